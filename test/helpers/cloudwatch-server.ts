/**
 * A loopback CloudWatch Logs endpoint speaking the AWS JSON 1.1 protocol (POST /, `X-Amz-Target:
 * Logs_20140328.<Operation>`, `Content-Type: application/x-amz-json-1.1`, errors as `{"__type"}`),
 * enough of it for the real SDK client: FilterLogEvents over scripted pages (empty pages with a
 * nextToken included), time window, stream names/prefix, a plain-term filter pattern, log groups
 * by name or ARN. Faults are scripted per request (throttle, 500, hang) and every request is
 * recorded, with the signature's access key id, so tests can assert what the client really sent.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CwEvent {
  readonly logStreamName: string;
  readonly timestamp: number;
  readonly message: string;
  readonly eventId: string;
}

export interface CwRequest {
  readonly target: string;
  readonly group?: string;
  /** Index of the page asked for (0 = first). */
  readonly page?: number;
  readonly body: Record<string, unknown>;
  readonly accessKeyId?: string;
  readonly sessionToken?: string;
}

/** What the STS AssumeRole handler hands out (and expects on the requests that follow). */
export const ASSUMED = { accessKeyId: 'ASIALOOPBACKASSUMED1', secretAccessKey: 'assumed-dummy-secret', sessionToken: 'assumed-dummy-session-token' } as const;

export type Fault = 'throttle' | '500' | 'hang' | 'access-denied';

export interface CloudWatchServer {
  readonly endpoint: string;
  readonly requests: CwRequest[];
  /** A group's pages, in order; a page may be empty (the server still sends a nextToken). */
  addGroup(name: string, pages: readonly (readonly CwEvent[])[]): void;
  /** The next request matching `when` (default: any FilterLogEvents) fails with `fault`. */
  fault(fault: Fault, when?: (r: CwRequest) => boolean): void;
  /** Called for every request before it is answered (after faults are chosen). */
  onRequest?: (r: CwRequest) => void;
  close(): Promise<void>;
}

const TARGET_PREFIX = 'Logs_20140328.';
const JSON_11 = 'application/x-amz-json-1.1';

const encodeToken = (group: string, page: number) => Buffer.from(JSON.stringify({ g: group, p: page })).toString('base64url');
function decodeToken(token: string): { g: string; p: number } | undefined {
  try {
    const v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { g: string; p: number };
    return typeof v.g === 'string' && Number.isInteger(v.p) ? v : undefined;
  } catch {
    return undefined;
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': JSON_11, 'content-length': Buffer.byteLength(text), 'x-amzn-requestid': `req-${Date.now()}` });
  res.end(text);
}

const error = (res: ServerResponse, status: number, type: string, message: string) => send(res, status, { __type: type, message });

function groupNameOf(body: Record<string, unknown>): string | undefined {
  if (typeof body.logGroupName === 'string') return body.logGroupName;
  const id = body.logGroupIdentifier;
  if (typeof id !== 'string') return undefined;
  const m = /:log-group:(.+)$/.exec(id);
  return m ? m[1] : id;
}

function matches(e: CwEvent, body: Record<string, unknown>): boolean {
  if (typeof body.startTime === 'number' && e.timestamp < body.startTime) return false;
  if (typeof body.endTime === 'number' && e.timestamp > body.endTime) return false;
  if (Array.isArray(body.logStreamNames) && !body.logStreamNames.includes(e.logStreamName)) return false;
  if (typeof body.logStreamNamePrefix === 'string' && !e.logStreamName.startsWith(body.logStreamNamePrefix)) return false;
  if (typeof body.filterPattern === 'string' && body.filterPattern.trim()) {
    // plain terms only: every term must appear (CloudWatch's term semantics, case-sensitive)
    const terms = body.filterPattern.trim().split(/\s+/).map((t) => t.replace(/^"|"$/g, ''));
    if (!terms.every((t) => e.message.includes(t))) return false;
  }
  return true;
}

export async function startCloudWatchServer(): Promise<CloudWatchServer> {
  const groups = new Map<string, readonly (readonly CwEvent[])[]>();
  const faults: { fault: Fault; when: (r: CwRequest) => boolean }[] = [];
  const hanging = new Set<ServerResponse>();
  const requests: CwRequest[] = [];

  const assumeRole = (req: IncomingMessage, res: ServerResponse, raw: string) => {
    // STS speaks the AWS query protocol: a form body in, XML out
    const form = new URLSearchParams(raw);
    const accessKeyId = /^AWS4-HMAC-SHA256 Credential=([^/]+)\//.exec(req.headers.authorization ?? '')?.[1];
    requests.push({ target: `sts:${form.get('Action')}`, body: Object.fromEntries(form), accessKeyId });
    const expiration = new Date(Date.now() + 3_600_000).toISOString();
    const xml = `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials>` +
      `<AccessKeyId>${ASSUMED.accessKeyId}</AccessKeyId><SecretAccessKey>${ASSUMED.secretAccessKey}</SecretAccessKey>` +
      `<SessionToken>${ASSUMED.sessionToken}</SessionToken><Expiration>${expiration}</Expiration></Credentials>` +
      `<AssumedRoleUser><AssumedRoleId>AROALOOPBACK:${form.get('RoleSessionName')}</AssumedRoleId><Arn>${form.get('RoleArn')}</Arn></AssumedRoleUser>` +
      `</AssumeRoleResult><ResponseMetadata><RequestId>sts-1</RequestId></ResponseMetadata></AssumeRoleResponse>`;
    res.writeHead(200, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(xml) });
    res.end(xml);
  };

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string) => {
    if (String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded') && raw.includes('Action=AssumeRole')) { assumeRole(req, res, raw); return; }
    const target = String(req.headers['x-amz-target'] ?? '');
    if (req.method !== 'POST' || !target.startsWith(TARGET_PREFIX) || !String(req.headers['content-type']).startsWith(JSON_11)) {
      error(res, 400, 'SerializationException', 'expected POST with X-Amz-Target and application/x-amz-json-1.1'); return;
    }
    const auth = req.headers.authorization ?? '';
    const accessKeyId = /^AWS4-HMAC-SHA256 Credential=([^/]+)\//.exec(auth)?.[1];
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw || '{}') as Record<string, unknown>;
    } catch {
      error(res, 400, 'SerializationException', 'body is not JSON'); return;
    }
    const op = target.slice(TARGET_PREFIX.length);
    const group = groupNameOf(body);
    const token = typeof body.nextToken === 'string' ? decodeToken(body.nextToken) : undefined;
    const sessionToken = req.headers['x-amz-security-token'] as string | undefined;
    const r: CwRequest = { target: op, group, page: token?.p ?? 0, body, accessKeyId, ...(sessionToken ? { sessionToken } : {}) };
    requests.push(r);
    const fi = faults.findIndex((f) => f.when(r));
    const fault = fi >= 0 ? faults.splice(fi, 1)[0].fault : undefined;
    server.onRequest?.(r);
    if (!accessKeyId) { error(res, 403, 'UnrecognizedClientException', 'missing or malformed SigV4 signature'); return; }
    if (fault === 'hang') return void hanging.add(res);
    if (fault === 'throttle') { error(res, 400, 'ThrottlingException', 'Rate exceeded'); return; }
    if (fault === '500') { error(res, 500, 'ServiceUnavailableException', 'The service is unavailable'); return; }
    if (fault === 'access-denied') { error(res, 400, 'AccessDeniedException', 'not authorized to perform logs:FilterLogEvents'); return; }
    if (op !== 'FilterLogEvents') { error(res, 400, 'UnknownOperationException', `${op} is not implemented here`); return; }
    const pages = group === undefined ? undefined : groups.get(group);
    if (!pages) { error(res, 400, 'ResourceNotFoundException', 'The specified log group does not exist.'); return; }
    if (body.nextToken !== undefined && (!token || token.g !== group || token.p >= pages.length)) {
      error(res, 400, 'InvalidParameterException', 'The specified nextToken is invalid.'); return;
    }
    if (body.logStreamNames !== undefined && body.logStreamNamePrefix !== undefined) {
      error(res, 400, 'InvalidParameterException', 'Cannot specify both logStreamNames and logStreamNamePrefix'); return;
    }
    const p = token?.p ?? 0;
    const events = pages[p].filter((e) => matches(e, body)).map((e) => ({ ...e, ingestionTime: e.timestamp + 5 }));
    send(res, 200, { events, searchedLogStreams: [], ...(p + 1 < pages.length ? { nextToken: encodeToken(group!, p + 1) } : {}) });
  };

  const http = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;

  const server: CloudWatchServer = {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    addGroup: (name, pages) => void groups.set(name, pages),
    fault: (fault, when = (r) => r.target === 'FilterLogEvents') => void faults.push({ fault, when }),
    async close() {
      for (const res of hanging) res.destroy();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
  return server;
}

/** `n` events of one stream, a second apart from `start`, ids `<prefix>-<i>`. */
export function makeEvents(stream: string, start: number, n: number, prefix = stream, message = (i: number) => `${stream} event ${i}`): CwEvent[] {
  return Array.from({ length: n }, (_, i) => ({ logStreamName: stream, timestamp: start + i * 1000, message: message(i), eventId: `${prefix}-${i}` }));
}
