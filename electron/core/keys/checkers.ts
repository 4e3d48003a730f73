// Which checker verifies a watched key: each service (or the wiring) registers one per key kind
// (KeyApp), so the key watch never branches on the app itself.
import type { KeyApp, KeyCheck, KeyRecord } from '../../../shared/domain.ts'
import { KeywardFailure } from '../../../shared/result.ts'
import type { Pace, PaceReply } from './pacer.ts'

/** The UniFi Network site ids a check read (unifi-os.md §5.2), handed on so HA's health step need not read them again. */
export type SitesSeen = (siteIds: string[]) => void

/**
 * One real check of a key against its console or server: `pace` before each request, `paced` with
 * each reply (its rate-limit headers), both bound to the key's user, whose budget it spends (§5.1);
 * `sites` with the Network sites the check read, if it read them.
 */
export type KeyChecker = (
  record: KeyRecord,
  key: string,
  pace: Pace,
  paced: PaceReply,
  sites?: SitesSeen,
) => Promise<KeyCheck>

export class CheckerRegistry {
  private readonly byApp = new Map<KeyApp, KeyChecker>()

  /** Registers `checker` for every kind in `apps`; a later registration for a kind replaces the earlier. */
  register(apps: readonly KeyApp[], checker: KeyChecker): void {
    for (const app of apps) this.byApp.set(app, checker)
  }

  has(app: KeyApp): boolean {
    return this.byApp.has(app)
  }

  /** Checks with the kind's checker; a kind nobody registered is an internal error (the record stays as it was). */
  check(record: KeyRecord, key: string, pace: Pace, paced: PaceReply, sites?: SitesSeen): Promise<KeyCheck> {
    const checker = this.byApp.get(record.app)
    if (!checker) {
      return Promise.reject(new KeywardFailure('internal', `No checker is registered for ${record.app} keys.`))
    }
    return checker(record, key, pace, paced, sites)
  }
}
