// One provision flow or cleanup per console and user at a time (issue 14 §5): a repeated request
// must never make a second user. The same flow asked for again while it runs (a window that
// reopened mid-run resumes it) joins the run under way and gets its outcome; anything else for that
// console and user is refused until the run ends.
import type { ProvisionRecord } from '../../../shared/domain.ts'
import { KeywardFailure } from '../../../shared/result.ts'

type Flow = Pick<ProvisionRecord, 'id' | 'consoleKey' | 'username'>

export class FlowLock {
  private readonly running = new Map<string, { id: string; what: string; work: Promise<unknown> }>()

  /**
   * Runs `work` for `flow`'s console and user. `what` names the work in the refusal ("Making a key
   * for keyward-ha is already under way on NVR.") and tells a join (same flow, same work) apart.
   */
  run<T>(flow: Flow, what: string, where: () => string, work: () => Promise<T>): Promise<T> {
    const slot = `${flow.consoleKey}|${flow.username}`
    const under = this.running.get(slot)
    if (under?.id === flow.id && under.what === what) return under.work as Promise<T>
    if (under) {
      const why = `${under.what} for ${flow.username} is already under way on ${where()}.`
      return Promise.reject(new KeywardFailure('conflict', why))
    }
    // Started a microtask later, so that the run is on record before its first progress event goes out.
    const done = Promise.resolve()
      .then(work)
      .finally(() => this.running.delete(slot))
    this.running.set(slot, { id: flow.id, what, work: done })
    return done
  }
}
