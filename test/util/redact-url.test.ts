import { describe, it, expect } from 'vitest';
import { redactUrl } from '../../src/util/redact-url.js';

describe('redactUrl', () => {
  it('drops the signature of a presigned link and any user info', () => {
    const presigned = 'https://bucket.s3.eu-west-1.amazonaws.com/runs/r1/report.html?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA%2F&X-Amz-Signature=abc';
    expect(redactUrl(presigned)).toBe('https://bucket.s3.eu-west-1.amazonaws.com/runs/r1/report.html');
    expect(redactUrl('https://user:pw@files.example/r1/report.html')).toBe('https://***@files.example/r1/report.html');
    expect(redactUrl('nats://alice:s3cret@127.0.0.1:4222')).toBe('nats://***@127.0.0.1:4222');
    expect(redactUrl('alice:s3cret@127.0.0.1:4222')).toBe('***@127.0.0.1:4222');
    expect(redactUrl('https://user:pw@[broken')).toBe('<invalid url>');
  });

  it('leaves file and s3 URIs and non-URLs alone', () => {
    expect(redactUrl('file:///tmp/r1/report.html')).toBe('file:///tmp/r1/report.html');
    expect(redactUrl('s3://bucket/runs/r1/report.html')).toBe('s3://bucket/runs/r1/report.html');
    expect(redactUrl('not a url')).toBe('not a url');
  });
});
