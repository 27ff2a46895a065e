/**
 * The bus is hot: an event emitted before React's effects run would be lost. `holdEvents`
 * subscribes at once and keeps what arrives until the UI's own subscription takes over.
 * One subscriber only (the UI); later subscribers get only what is still held.
 */
import { Observable, type Subscriber } from 'rxjs';

type Note<T> = { kind: 'next'; value: T } | { kind: 'complete' } | { kind: 'error'; error: unknown };

export function holdEvents<T>(source$: Observable<T>): { readonly events$: Observable<T>; release(): void } {
  let held: Note<T>[] = [];
  let sink: Subscriber<T> | undefined;
  const deliver = (n: Note<T>, to: Subscriber<T>) => {
    if (n.kind === 'next') to.next(n.value);
    else if (n.kind === 'complete') to.complete();
    else to.error(n.error);
  };
  const push = (n: Note<T>) => (sink ? deliver(n, sink) : held.push(n));
  const upstream = source$.subscribe({
    next: (value) => push({ kind: 'next', value }),
    complete: () => push({ kind: 'complete' }),
    error: (error: unknown) => push({ kind: 'error', error }),
  });
  const events$ = new Observable<T>((subscriber) => {
    sink = subscriber;
    const backlog = held;
    held = [];
    for (const n of backlog) deliver(n, subscriber);
    return () => {
      if (sink === subscriber) sink = undefined;
    };
  });
  return { events$, release: () => upstream.unsubscribe() };
}
