// Where a Protect or Access push lands (home-assistant.md §1.5, §1.6), in the one way that fits what
// HA already has for the console:
//   * a reauth HA is waiting for (entry in setup_error, repair issue) → finish that flow with the new
//     key (§1.5: reauth can only be finished from outside);
//   * an entry for this console → reconfigure it (`POST /flow {handler, entry_id}`);
//   * nothing yet → a new `user` flow; HA's `already_configured` with exactly one entry in the domain
//     means that entry is the console's (§2.2 abort rule); `already_in_progress` while HA waits at
//     `discovery_confirm` for this console (§2.6, the flow listed by §1.3 flow/progress) → finish that
//     discovery flow with the key instead (it stays open if that fails: it is HA's).
// Then the entry is read back, so the answer says whether HA could use the key.
import { consoleLabel } from '../../../shared/labels.ts'
import type { HomeAssistantClient } from './client.ts'
import { discoveryFor, type DomainSnapshot, type EntryMatch, type PendingReauth } from './entries.ts'
import { entryStateTail, readEntry, settledEntry } from './entry-read.ts'
import { APP_LABEL, describeAbort, type ErrorContext } from './errors.ts'
import { drive, type DriveOptions, type Driven, type FlowMode } from './flow-driver.ts'
import { FLOW_PATH, flowCall, flowPath } from './flow-rest.ts'
import {
  HomeAssistantFailure,
  type HaConsoleRef,
  type HaDomain,
  type HaEntry,
  type PushOutcome,
  type PushResult,
} from './types.ts'

export interface ConsolePushOptions {
  ha: HomeAssistantClient
  domain: HaDomain
  console: HaConsoleRef
  snapshot: DomainSnapshot
  match: EntryMatch
  /** Drive options for a flow Keyward owns (or HA's reauth), in a mode (default: the push's own). */
  opts: (own: boolean, mode?: FlowMode) => DriveOptions
  ctx: ErrorContext
  /** Fields the result gains once the flow ran (e.g. which Access integration answered). */
  extra?: () => Partial<PushResult>
  /** Modes to try a reconfigure in, in order; the next only after `needs_credentials`. */
  reconfigureModes?: (FlowMode | undefined)[]
}

/** One push of a key for one console into one domain. */
export class ConsolePush {
  constructor(private readonly o: ConsolePushOptions) {}

  async run(): Promise<PushResult> {
    const { match, ha, domain, ctx, snapshot } = this.o
    if (match.reauth) {
      const done = await this.#finishReauth(match.reauth)
      if (done) return this.#conclude(done, match.reauth.entryId ?? match.entry?.entry_id ?? null)
    }
    if (match.entry) {
      try {
        return await this.#reconfigure(match.entry.entry_id)
      } catch (error) {
        // HA says that entry is another console's (§1.6, §2.3): leave it alone and make this console its own.
        if (!(error instanceof HomeAssistantFailure) || error.problem !== 'wrong_nvr') throw error
      }
    }
    const first = await flowCall(ha, 'POST', FLOW_PATH, { handler: domain }, 'start setup', ctx)
    try {
      return await this.#conclude(await drive(ha, first, this.o.opts(true)), null)
    } catch (error) {
      if (!(error instanceof HomeAssistantFailure)) throw error
      // HA discovered this console and waits at `discovery_confirm` (§2.6): HA's `async_set_unique_id`
      // refuses a second flow for that MAC with `already_in_progress`. Finish HA's discovery instead.
      const discovery = error.detail?.endsWith('abort already_in_progress')
        ? discoveryFor(this.o.console, snapshot)
        : null
      if (discovery) return this.#finishDiscovery(discovery.flowId, error)
      // HA knows this console (unique id match) but showed nothing Keyward could link.
      // With exactly one entry in the domain, that entry is the one (§2.2 abort rule).
      const onlyEntry = snapshot.entries.length === 1
      if (error.problem !== 'already_configured' || !onlyEntry) throw error
      return this.#intoOnlyEntry(snapshot.entries[0]!)
    }
  }

  /** Drives HA's own discovery flow (left open on failure: it is HA's); gone → the original refusal. */
  async #finishDiscovery(flowId: string, refusal: HomeAssistantFailure): Promise<PushResult> {
    const { ha, ctx } = this.o
    let current
    try {
      // GET re-runs the current step without input → `discovery_confirm` (§1.1).
      current = await flowCall(ha, 'GET', flowPath(flowId), undefined, 'discovered console', ctx)
    } catch (error) {
      if (error instanceof HomeAssistantFailure && error.problem === 'flow_expired') throw refusal
      throw error
    }
    return this.#conclude(await drive(ha, current, this.o.opts(false)), null)
  }

  async #intoOnlyEntry(only: HaEntry): Promise<PushResult> {
    const pending = this.o.snapshot.reauths.find((r) => r.entryId === only.entry_id)
    if (pending) {
      const done = await this.#finishReauth(pending)
      if (done) return this.#conclude(done, only.entry_id)
    }
    return this.#reconfigure(only.entry_id)
  }

  async #reconfigure(entryId: string): Promise<PushResult> {
    const { ha, domain, ctx } = this.o
    const modes = this.o.reconfigureModes ?? [undefined]
    for (let i = 0; ; i++) {
      const first = await flowCall(ha, 'POST', FLOW_PATH, { handler: domain, entry_id: entryId }, 'reconfigure', ctx)
      try {
        return await this.#conclude(await drive(ha, first, this.o.opts(true, modes[i])), entryId)
      } catch (error) {
        const more = i + 1 < modes.length
        if (!more || !(error instanceof HomeAssistantFailure) || error.problem !== 'needs_credentials') throw error
      }
    }
  }

  /** Continues HA's own reauth flow; null when it has gone (then reconfigure instead). */
  async #finishReauth(reauth: PendingReauth): Promise<Driven | null> {
    const { ha, ctx } = this.o
    let current
    try {
      // GET re-runs the current step without input → its form and schema (§1.1).
      current = await flowCall(ha, 'GET', flowPath(reauth.flowId), undefined, 'reauth', ctx)
    } catch (error) {
      if (error instanceof HomeAssistantFailure && error.problem === 'flow_expired') return null
      throw error
    }
    return drive(ha, current, this.o.opts(false))
  }

  async #conclude(driven: Driven, knownEntryId: string | null): Promise<PushResult> {
    const { ha, domain, ctx } = this.o
    const { result } = driven
    if (result.type === 'create_entry') {
      const entryId = result.result?.entry_id ?? null
      const entry = (await readEntry(ha, domain, entryId)) ?? result.result
      return this.#result('created', entry, entryId, driven.mode)
    }
    const meaning = describeAbort(result.reason, ctx)
    if (!meaning.ok) throw meaning.failure
    // The reload after a reconfigure/reauth is only scheduled (entry-read.ts): wait for it to settle.
    return this.#result(meaning.outcome, await settledEntry(ha, domain, knownEntryId), knownEntryId, driven.mode)
  }

  #result(outcome: PushOutcome, entry: HaEntry | null, entryId: string | null, mode: FlowMode | null): PushResult {
    const { ha, domain, console: consoleRef } = this.o
    const app = APP_LABEL[domain] ?? domain
    const who = consoleLabel(consoleRef)
    const base =
      outcome === 'created'
        ? `Home Assistant set up ${app} for ${who} with the new key.`
        : outcome === 'reconfigured'
          ? `Home Assistant's ${app} entry for ${who} now uses the new key.`
          : `Home Assistant finished its pending re-authentication of ${app} for ${who} with the new key.`
    return {
      outcome,
      domain,
      consoleKey: consoleRef.key,
      entryId: entry?.entry_id ?? entryId,
      title: entry?.title ?? null,
      entryState: entry?.state ?? null,
      mode,
      haVersion: ha.haVersion,
      message: base + entryStateTail(entry, consoleRef.host),
      ...(this.o.extra?.() ?? {}),
    }
  }
}
