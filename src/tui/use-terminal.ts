/** Terminal size (following resizes) and a coarse clock for elapsed times and countdowns. */
import { useEffect, useState } from 'react';
import { useStdout } from 'ink';

export interface TerminalSize {
  readonly columns: number;
  readonly rows: number;
}

export function useTerminalSize(): TerminalSize {
  const { stdout } = useStdout();
  const read = (): TerminalSize => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}

/** Re-renders every `intervalMs` while `active`; returns the clock's current time. */
export function useNow(clock: () => number, active: boolean, intervalMs = 1000): number {
  const [now, setNow] = useState(clock);
  useEffect(() => {
    setNow(clock());
    if (!active) return;
    const t = setInterval(() => setNow(clock()), intervalMs);
    return () => clearInterval(t);
  }, [active, clock, intervalMs]);
  return now;
}
