// A UniFi Network key into Home Assistant's `unifi` integration (home-assistant.md §3.1, §3.2).
// Two shapes, told apart by HA's first step, never by version (§3.2 "detect it by the menu";
// the release is only inferred as 2026.10/11):
//   * old: `user` is a form of host/username/password — no key is ever sent there;
//   * API-key mode: `user` is a menu [local_user, api_key] → `api_key` form {host, api_key, port,
//     verify_ssl} → `network_site` select when the key sees several sites.
// An entry is found by its unique_id, the Integration-API site UUID (§1.6), through the service
// device ["unifi", <uuid>] in the device registry or a pending reauth's context — never by title.
// Existing entry: HA's open `reauth_api_key` flow if there is one (§1.5: only HA starts reauth),
// else `reconfigure_api_key` (new key and the console's current address). Flows Keyward opens are
// deleted when they fail (§1.5: an open flow blocks HA's own reauth).
// Here: the flow steps and the push. The fit probe is network-fit.ts, the site choice and the entry
// of a site network-sites.ts, HA's errors and aborts in plain words network-failures.ts.
import { consoleLabel } from '../../../shared/labels.ts'
import { KeywardFailure } from '../../../shared/result.ts'
import type { HomeAssistantClient } from './client.ts'
import { snapshotDomain } from './entries.ts'
import { KEY_SHAPE } from './flow-driver.ts'
import { entryStateTail, readEntry, settledEntry } from './entry-read.ts'
import { deleteFlow, FLOW_PATH, flowPath } from './flow-rest.ts'
import { fillForm, menuOptions, pickMenuOption, type FormValues } from './forms.ts'
import {
  abortFailure,
  formFailure,
  networkFailure as fail,
  otherModeFailure,
  type NetworkCtx as Ctx,
} from './network-failures.ts'
import { NETWORK_DOMAIN as DOMAIN, networkCall as call, probeNetworkFit, UPGRADE_MESSAGE } from './network-fit.ts'
import { chooseSite, entryForSite } from './network-sites.ts'
import {
  HomeAssistantFailure,
  type HaConsoleRef,
  type HaEntry,
  type HaFlowResult,
  type NetworkSite,
  type PushResult,
} from './types.ts'

export { probeNetworkFit, UPGRADE_MESSAGE, type NetworkFit } from './network-fit.ts'
export { matchNetworkSites } from './network-sites.ts'

const MAX_STEPS = 6

/** The detail of a refusal at a username/password form (the old shape, or a local-user entry's reconfigure). */
const LOCAL_USER_FORM = 'local-user form'

export interface NetworkPush {
  console: HaConsoleRef
  apiKey: string
  /** The sites the key sees on the console (read by Keyward with the key, unifi-os.md §5.2). */
  sites: NetworkSite[]
  /** The site chosen by the user; required when `sites` has more than one. */
  siteId?: string | null
  /** Rotation: with several sites and no choice, update the one site HA already has an entry for. */
  preferConfigured?: boolean
}

// ---- the driver ------------------------------------------------------------------------

type Final = Extract<HaFlowResult, { type: 'abort' | 'create_entry' }>

async function drive(
  ha: HomeAssistantClient,
  first: HaFlowResult,
  values: FormValues,
  ctx: Ctx,
  own: boolean,
): Promise<Final> {
  let current = first
  const submitted = new Set<string>()
  try {
    for (let step = 0; step < MAX_STEPS; step++) {
      if (current.type === 'abort' || current.type === 'create_entry') return current
      if (current.type === 'menu') {
        const choice = pickMenuOption(menuOptions(current), 'api_key')
        if (!choice)
          throw fail(
            'refused',
            'needs_ui',
            UPGRADE_MESSAGE,
            `menu ${current.step_id}: ${menuOptions(current).join(',')}`,
          )
        current = await call(ha, 'POST', flowPath(current.flow_id), { next_step_id: choice }, `menu ${current.step_id}`)
        continue
      }
      if (current.type !== 'form') {
        // §1.2 `progress`/`external`: only HA's window can wait on it; a flow Keyward opened is deleted below.
        const where = own
          ? 'Keyward cannot do that from outside, so it closed the setup it had started. Add UniFi Network in Home Assistant (Settings → Devices & services → Add integration).'
          : 'Finish it there: Settings → Devices & services.'
        throw fail(
          'refused',
          'needs_ui',
          `Home Assistant wants to continue the UniFi Network setup in its own window (${current.type} step). ${where}`,
          current.type,
        )
      }
      const form = current
      if (submitted.has(form.step_id)) {
        if (form.errors && Object.keys(form.errors).length > 0) throw formFailure(form.errors, ctx)
        throw fail(
          'refused',
          'needs_ui',
          `Home Assistant showed the "${form.step_id}" step again without saying why.`,
          form.step_id,
        )
      }
      const names = form.data_schema.map((f) => f.name)
      // A form asking for a username is the old, local-user-only shape: it never gets the key.
      if (names.includes('username') || names.includes('password'))
        throw fail('refused', 'needs_ui', UPGRADE_MESSAGE, `${LOCAL_USER_FORM} ${form.step_id}: ${names.join(',')}`)
      const filled = fillForm(form.data_schema, values)
      if (filled.missing.length > 0) {
        throw fail(
          'invalid-input',
          'schema_mismatch',
          `Home Assistant asks for ${filled.missing.join(', ')} in the "${form.step_id}" step, which Keyward cannot fill.`,
          `${form.step_id}: missing ${filled.missing.join(',')}`,
        )
      }
      submitted.add(form.step_id)
      current = await call(ha, 'POST', flowPath(form.flow_id), filled.input, `step ${form.step_id}`)
    }
    throw fail(
      'refused',
      'needs_ui',
      'Home Assistant kept asking for more steps than Keyward expects.',
      'too many steps',
    )
  } catch (error) {
    if (own && current.flow_id) await deleteFlow(ha, current.flow_id)
    throw error
  }
}

// ---- push ------------------------------------------------------------------------------

function result(
  ha: HomeAssistantClient,
  req: NetworkPush,
  outcome: PushResult['outcome'],
  entry: HaEntry | null,
  site: NetworkSite | null,
  message: string,
  extra: Partial<PushResult> = {},
): PushResult {
  return {
    outcome,
    domain: DOMAIN,
    consoleKey: req.console.key,
    entryId: entry?.entry_id ?? null,
    title: entry?.title ?? null,
    entryState: entry?.state ?? null,
    mode: outcome === 'created' || outcome === 'reconfigured' || outcome === 'reauthenticated' ? 'api_key' : null,
    haVersion: ha.haVersion,
    message,
    ...(site ? { site } : {}),
    ...extra,
  }
}

export async function pushNetworkKey(ha: HomeAssistantClient, req: NetworkPush): Promise<PushResult> {
  if (!KEY_SHAPE.test(req.apiKey)) throw new KeywardFailure('invalid-input', 'That does not look like a UniFi API key.')
  ha.requireAdmin()
  const fit = await probeNetworkFit(ha)
  if (fit.fit !== 'ready') return result(ha, req, 'not-applicable', null, null, `${fit.message} Nothing was sent.`)
  if (req.sites.length === 0)
    throw new KeywardFailure(
      'refused',
      `The key sees no UniFi Network site on ${consoleLabel(req.console)}, so Home Assistant could not use it. Make the key as a user with access to UniFi Network.`,
    )
  const snapshot = await snapshotDomain(ha, DOMAIN)
  const site = chooseSite(req, snapshot)
  if (!site) {
    return result(
      ha,
      req,
      'choose-site',
      null,
      null,
      `The key sees ${req.sites.length} UniFi Network sites on ${consoleLabel(req.console)}. Home Assistant makes one entry per site: choose which one it should use.`,
      { sites: req.sites },
    )
  }
  const ctx: Ctx = { console: req.console, site, snapshot }
  const who = `site "${site.name}" on ${consoleLabel(req.console)}`
  // HA reaches the console at the address the key was minted on; verify_ssl off: a pinned self-signed
  // certificate means nothing to HA's CA check (§2.2 DEFAULT_VERIFY_SSL, same for `unifi` §3.1).
  const values: FormValues = {
    host: req.console.host,
    api_key: req.apiKey,
    port: req.console.port,
    verify_ssl: false,
    site: site.id,
  }
  const found = entryForSite(snapshot, site.id)

  if (found.reauth) {
    let first: HaFlowResult | null = null
    try {
      first = await call(ha, 'GET', flowPath(found.reauth.flowId), undefined, 'reauth')
    } catch (error) {
      if (!(error instanceof HomeAssistantFailure && error.problem === 'flow_expired')) throw error
    }
    if (first) {
      const done = await drive(ha, first, values, ctx, false)
      return conclude(ha, req, done, ctx, found.entry?.entry_id ?? found.reauth.entryId, who)
    }
  }
  if (found.entry) {
    const first = await call(ha, 'POST', FLOW_PATH, { handler: DOMAIN, entry_id: found.entry.entry_id }, 'reconfigure')
    return conclude(ha, req, await drive(ha, first, values, ctx, true), ctx, found.entry.entry_id, who)
  }
  const first = await call(ha, 'POST', FLOW_PATH, { handler: DOMAIN }, 'start setup')
  try {
    return await conclude(ha, req, await drive(ha, first, values, ctx, true), ctx, null, who)
  } catch (error) {
    // HA has an entry for the site that Keyward could not link (no device registry, or a device-less
    // entry): with exactly one `unifi` entry, that entry is the one (as for Protect, flow-push.ts).
    const unlinked = error instanceof HomeAssistantFailure && error.problem === 'already_configured'
    if (!unlinked || snapshot.entries.length !== 1) throw error
    return intoOnlyEntry(ha, req, values, ctx, who)
  }
}

/**
 * Reconfigures the only `unifi` entry: an API-key entry takes the key (`reconfigure_api_key`, HA checks its
 * site UUID is among the key's sites, §3.2); a username/password form means that entry is the other mode's
 * (the cross-mode guard), which the probe flow leaves untouched and deleted.
 */
async function intoOnlyEntry(
  ha: HomeAssistantClient,
  req: NetworkPush,
  values: FormValues,
  ctx: Ctx,
  who: string,
): Promise<PushResult> {
  const only = ctx.snapshot.entries[0]!
  const first = await call(ha, 'POST', FLOW_PATH, { handler: DOMAIN, entry_id: only.entry_id }, 'reconfigure')
  try {
    return await conclude(ha, req, await drive(ha, first, values, ctx, true), ctx, only.entry_id, who)
  } catch (error) {
    const localForm = error instanceof HomeAssistantFailure && error.detail?.startsWith(LOCAL_USER_FORM)
    if (localForm) throw otherModeFailure(ctx, [only])
    throw error
  }
}

async function conclude(
  ha: HomeAssistantClient,
  req: NetworkPush,
  done: Final,
  ctx: Ctx,
  entryId: string | null,
  who: string,
): Promise<PushResult> {
  if (done.type === 'create_entry') {
    const id = done.result?.entry_id ?? null
    const entry = (await readEntry(ha, DOMAIN, id)) ?? done.result
    return result(
      ha,
      req,
      'created',
      entry,
      ctx.site,
      `Home Assistant set up UniFi Network for ${who} with the new key.${entryStateTail(entry, req.console.host)}`,
    )
  }
  if (done.reason === 'reauth_successful' || done.reason === 'reconfigure_successful') {
    // HA only schedules the reload after a reconfigure/reauth (entry-read.ts): wait for it to settle.
    const entry = await settledEntry(ha, DOMAIN, entryId)
    const message =
      done.reason === 'reauth_successful'
        ? `Home Assistant finished its pending re-authentication of UniFi Network for ${who} with the new key.`
        : `Home Assistant's UniFi Network entry for ${who} now uses the new key.`
    return result(
      ha,
      req,
      done.reason === 'reauth_successful' ? 'reauthenticated' : 'reconfigured',
      entry,
      ctx.site,
      message + entryStateTail(entry, req.console.host),
    )
  }
  throw abortFailure(done.reason, ctx)
}
