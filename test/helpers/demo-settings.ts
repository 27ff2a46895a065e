/**
 * The head of a settings file that reads the bundled demo logs and detection config by absolute
 * path, for tests that write their own settings into a temp dir and add detector/upload/nats.
 */
import { join } from 'node:path';
import { repoRoot } from './cli.js';

const examples = join(repoRoot, 'examples');

export function demoSourceYaml(): string {
  return `source: { type: file, paths: [${JSON.stringify(join(examples, 'logs', '*.log'))}] }
format:
  type: loghub
  pattern: "<Date> <Time> <Level> <Component>: <Content>"
  timestampFields: [Date, Time]
  levelField: Level
  streamField: Component
detectionConfig: { location: ${JSON.stringify(join(examples, 'detection-config.yaml'))} }
install: { commands: [] }
`;
}
