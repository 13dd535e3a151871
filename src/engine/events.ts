/**
 * Lifecycle facts as typed events, for progress output, metrics and (later) the dashboard.
 * Emitting costs nothing when nobody listens: payloads are built only if there is a listener.
 */
import { EventEmitter } from 'node:events';

export interface RunEvent {
  runId: string;
  workflow: string;
}

export interface StepEvent extends RunEvent {
  step: string;
  position: number;
  attempt: number;
}

export interface TuttiEventMap {
  'run:started': RunEvent;
  'run:resumed': RunEvent;
  'run:completed': RunEvent & { output: unknown };
  'run:failed': RunEvent & { error: unknown };
  'run:cancelled': RunEvent;
  'step:started': StepEvent;
  'step:completed': StepEvent & { output: unknown };
  'step:retrying': StepEvent & { error: unknown; delayMs: number };
  'step:failed': StepEvent & { error: unknown };
  'compensation:started': StepEvent;
  'compensation:completed': StepEvent;
  'compensation:failed': StepEvent & { error: unknown };
}

export type TuttiEventName = keyof TuttiEventMap;

export class TuttiEvents {
  private readonly emitter = new EventEmitter();

  on<K extends TuttiEventName>(name: K, listener: (event: TuttiEventMap[K]) => void): () => void {
    this.emitter.on(name, listener);
    return () => this.emitter.off(name, listener);
  }

  /** True when someone listens to `name`: hot paths check it before building a payload. */
  wants(name: TuttiEventName): boolean {
    return this.emitter.listenerCount(name) > 0;
  }

  /** Emits `name` with the payload built by `make`, only if someone listens. */
  emit<K extends TuttiEventName>(name: K, make: () => TuttiEventMap[K]): void {
    if (this.emitter.listenerCount(name) > 0) this.emitter.emit(name, make());
  }
}
