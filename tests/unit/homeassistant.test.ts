// Pure parts of the Home Assistant module: base URLs, result parsing, form
// filling, every error and abort key of home-assistant.md §2.3/§3 mapped to a
// specific failure, entry matching, health classification and copy fields.
import { haEntry } from '../support/ha-records.ts'
import { describe, expect, it } from 'vitest'
import { normalizeBaseUrl } from '../../electron/core/homeassistant/client.ts'
import { copyFields, hasProtectMenu } from '../../electron/core/homeassistant/copy.ts'
import { matchConsole, normalizeMacHex, type DomainSnapshot } from '../../electron/core/homeassistant/entries.ts'
import {
  describeAbort,
  describeFormError,
  formErrorsFailure,
  KNOWN_ABORTS,
  KNOWN_FORM_ERRORS,
  minimumProtectVersion,
  type ErrorContext,
} from '../../electron/core/homeassistant/errors.ts'
import { fillForm, menuOptions, parseFlowResult, pickMenuOption } from '../../electron/core/homeassistant/forms.ts'
import { classifyEntry } from '../../electron/core/homeassistant/health.ts'
import type { HaEntry, HaFlowResult } from '../../electron/core/homeassistant/types.ts'
import { errorCodes } from '../../shared/result.ts'

describe('normalizeBaseUrl', () => {
  it.each([
    ['homeassistant.local', 'http://homeassistant.local:8123', 'ws://homeassistant.local:8123/api/websocket'],
    ['  192.168.1.5:8123/lovelace/0?x=1#y ', 'http://192.168.1.5:8123', 'ws://192.168.1.5:8123/api/websocket'],
    // A scheme without a port means the scheme's default port, as in a browser (reverse proxies).
    ['https://HA.lan/', 'https://ha.lan:443', 'wss://ha.lan:443/api/websocket'],
    ['https://ha.example.com', 'https://ha.example.com:443', 'wss://ha.example.com:443/api/websocket'],
    ['http://ha.example.com/lovelace', 'http://ha.example.com:80', 'ws://ha.example.com:80/api/websocket'],
    ['https://ha.lan:8123', 'https://ha.lan:8123', 'wss://ha.lan:8123/api/websocket'],
    ['https://[fd00::5]', 'https://[fd00::5]:443', 'wss://[fd00::5]:443/api/websocket'],
    // No scheme: HA's own default, http on 8123.
    ['HomeAssistant.local:', 'http://homeassistant.local:8123', 'ws://homeassistant.local:8123/api/websocket'],
    ['https://ha.lan:443', 'https://ha.lan:443', 'wss://ha.lan:443/api/websocket'],
    ['http://[fe80::1]:8124/config', 'http://[fe80::1]:8124', 'ws://[fe80::1]:8124/api/websocket'],
    ['fd00::5', 'http://[fd00::5]:8123', 'ws://[fd00::5]:8123/api/websocket'],
  ])('%s → %s', (raw, origin, ws) => {
    expect(normalizeBaseUrl(raw)).toMatchObject({ origin, websocketUrl: ws })
  })

  it.each(['', 'ftp://ha', 'user:pw@ha.lan', 'ha.lan:99999', 'ha .lan', '999.1.1.1', '[fe80::1'])(
    'rejects %j',
    (raw) => {
      expect(() => normalizeBaseUrl(raw)).toThrow(expect.objectContaining({ code: 'invalid-input' }))
    },
  )
})

describe('flow results and forms', () => {
  it('parses the §1.2 shapes', () => {
    expect(
      parseFlowResult({
        type: 'form',
        flow_id: 'f',
        handler: 'h',
        step_id: 'user',
        data_schema: [{ name: 'host', required: true, type: 'string' }],
        errors: null,
        description_placeholders: null,
      }),
    ).toMatchObject({ type: 'form', errors: null })
    expect(
      parseFlowResult({ type: 'abort', flow_id: 'f', handler: 'h', reason: 'bla', description_placeholders: null }),
    ).toMatchObject({ type: 'abort', reason: 'bla' })
    expect(
      parseFlowResult({
        type: 'create_entry',
        flow_id: 'f',
        handler: 'h',
        title: 'T',
        result: { entry_id: 'e', domain: 'h', state: 'loaded' },
      }),
    ).toMatchObject({ type: 'create_entry', result: { entry_id: 'e', state: 'loaded' } })
    expect(parseFlowResult({ type: 'progress', flow_id: 'f', handler: 'h' })).toMatchObject({ type: 'progress' })
    expect(parseFlowResult({ type: 'nonsense' })).toBeNull()
    expect(parseFlowResult('text')).toBeNull()
  })

  it('reads menu options as a list or a dict and picks the mode', () => {
    const list = parseFlowResult({
      type: 'menu',
      flow_id: 'f',
      handler: 'h',
      step_id: 'user',
      menu_options: ['full', 'api_key'],
    }) as Extract<HaFlowResult, { type: 'menu' }>
    const dict = parseFlowResult({
      type: 'menu',
      flow_id: 'f',
      handler: 'h',
      step_id: 'reconfigure',
      menu_options: { reconfigure_full: 'Full', reconfigure_api_key: 'API key only' },
    }) as Extract<HaFlowResult, { type: 'menu' }>
    expect(menuOptions(list)).toEqual(['full', 'api_key'])
    expect(pickMenuOption(menuOptions(list), 'api_key')).toBe('api_key')
    expect(pickMenuOption(menuOptions(dict), 'full')).toBe('reconfigure_full')
    expect(pickMenuOption(['discovery_full', 'discovery_api_key'], 'api_key')).toBe('discovery_api_key')
    expect(pickMenuOption(['something_else'], 'full')).toBeNull()
  })

  it('fills by field name, leaves defaults and "empty = keep" fields to HA, reports what it cannot fill', () => {
    const schema = [
      { name: 'username', required: true, default: 'kept' },
      { name: 'password', optional: true },
      { name: 'api_key', optional: true },
      { name: 'use_polling', required: true, default: false },
      { name: 'totp', required: true },
    ]
    expect(fillForm(schema, { api_key: 'k', host: 'ignored' })).toEqual({ input: { api_key: 'k' }, missing: ['totp'] })
  })
})

const ctx: ErrorContext = {
  domain: 'unifiprotect',
  consoleLabel: 'NVR (10.0.0.5)',
  host: '10.0.0.5',
  port: 443,
  haVersion: '2026.9.1',
}

describe('every error and abort key of the reference maps to a specific failure', () => {
  it.each(Object.entries(KNOWN_FORM_ERRORS).flatMap(([domain, keys]) => keys.map((key) => [domain, key] as const)))(
    '%s error %s',
    (domain, key) => {
      const mapped = describeFormError('base', key, { ...ctx, domain })
      expect(errorCodes).toContain(mapped.code)
      if (key !== 'unknown') expect(mapped.problem).not.toBe('unknown_error')
      expect(mapped.message.length).toBeGreaterThan(30)
      expect(mapped.message).not.toMatch(/undefined|null/)
    },
  )

  it('"unknown" is the one generic key, and it still says where to look', () => {
    expect(describeFormError('base', 'unknown', { ...ctx, domain: 'unifi_access' })).toMatchObject({
      problem: 'unknown_error',
      message: expect.stringMatching(/log/),
    })
  })

  it('tells the password from the key for invalid_auth (§2.3)', () => {
    expect(formErrorsFailure({ password: 'invalid_auth' }, ctx)).toMatchObject({
      problem: 'credentials_rejected',
      field: 'password',
      code: 'invalid-credentials',
    })
    const key = formErrorsFailure({ api_key: 'invalid_auth' }, ctx)
    expect(key).toMatchObject({ problem: 'key_rejected', field: 'api_key' })
    expect(key.message).toMatch(/only on the console that made it/)
    expect(formErrorsFailure({ base: 'cannot_connect' }, ctx)).toMatchObject({
      problem: 'cannot_connect',
      code: 'unreachable',
    })
    expect(formErrorsFailure({ base: 'protect_version' }, ctx).message).toMatch(/7\.2\.105/)
    expect(formErrorsFailure({ base: 'cloud_user' }, ctx)).toMatchObject({ problem: 'cloud_user' })
    expect(formErrorsFailure({ base: 'invalid_auth' }, { ...ctx, domain: 'unifi_access' })).toMatchObject({
      problem: 'key_rejected',
    })
    expect(formErrorsFailure({ base: 'protect_api_key' }, { ...ctx, domain: 'unifi_access' })).toMatchObject({
      problem: 'token_wrong_type',
    })
    expect(formErrorsFailure({ base: 'invalid_api_key' }, { ...ctx, domain: 'unifi_access' })).toMatchObject({
      problem: 'token_wrong_type',
    })
    expect(formErrorsFailure({ base: 'ssl_error' }, { ...ctx, domain: 'unifi_access' })).toMatchObject({
      problem: 'tls',
      code: 'tls',
    })
    expect(formErrorsFailure({ base: 'faulty_credentials' }, { ...ctx, domain: 'unifi' })).toMatchObject({
      problem: 'credentials_rejected',
    })
    expect(formErrorsFailure({ base: 'service_unavailable' }, { ...ctx, domain: 'unifi' })).toMatchObject({
      problem: 'cannot_connect',
    })
    // Several errors: the key comes first (HA checks it only after the login worked).
    expect(formErrorsFailure({ base: 'cannot_connect', api_key: 'invalid_auth' }, ctx)).toMatchObject({
      field: 'api_key',
    })
  })

  it.each(Object.entries(KNOWN_ABORTS).flatMap(([domain, keys]) => keys.map((key) => [domain, key] as const)))(
    '%s abort %s',
    (domain, reason) => {
      const meaning = describeAbort(reason, { ...ctx, domain })
      if (meaning.ok) {
        expect(['reconfigured', 'reauthenticated']).toContain(meaning.outcome)
      } else {
        expect(errorCodes).toContain(meaning.failure.code)
        expect(meaning.failure.message).toMatch(/\w{20,}|Home Assistant/)
        expect(meaning.failure.detail).toBe(`${domain} abort ${reason}`)
      }
    },
  )

  it('successful aborts and the specific ones', () => {
    expect(describeAbort('reconfigure_successful', ctx)).toEqual({ ok: true, outcome: 'reconfigured' })
    expect(describeAbort('configuration_updated', { ...ctx, domain: 'unifi' })).toEqual({
      ok: true,
      outcome: 'reconfigured',
    })
    expect(describeAbort('reauth_successful', ctx)).toEqual({ ok: true, outcome: 'reauthenticated' })
    expect(describeAbort('wrong_nvr', ctx)).toMatchObject({
      ok: false,
      failure: { problem: 'wrong_nvr', code: 'conflict' },
    })
    expect(describeAbort('already_configured', ctx)).toMatchObject({
      ok: false,
      failure: { problem: 'already_configured' },
    })
    expect(describeAbort('something_new', ctx)).toMatchObject({
      ok: false,
      failure: { problem: 'needs_ui', detail: expect.stringContaining('something_new') },
    })
    // The raw reason is for the details only; the sentence is plain words.
    const unknown = describeAbort('something_new', ctx)
    expect(unknown.ok ? '' : unknown.failure.message).not.toContain('something_new')
  })

  it('minimum Protect by HA version (§2.1)', () => {
    expect(minimumProtectVersion('2026.9.0')).toBe('7.2.105')
    expect(minimumProtectVersion('2026.10.1')).toBe('7.2.105')
    expect(minimumProtectVersion('2026.8.3')).toBe('7.1.0')
    expect(minimumProtectVersion('2025.12.0')).toBe('6.0.0')
    expect(minimumProtectVersion('2025.7.0')).toBeNull()
    expect(minimumProtectVersion(null)).toBeNull()
  })
})

const entry = (over: Partial<HaEntry>): HaEntry =>
  haEntry({ entry_id: 'E1', domain: 'unifiprotect', title: 'NVR', ...over })

describe('matching entries to consoles', () => {
  const consoleRef = { key: '10.0.0.5:443', host: '10.0.0.5', port: 443, mac: '70:a7:41:1b:2c:3d', name: 'NVR' }
  const empty: DomainSnapshot = { domain: 'unifiprotect', entries: [], reauths: [], devices: [], websocket: true }

  it('by the NVR device (MAC) and by a reauth context, never by title', () => {
    const e1 = entry({ entry_id: 'E1', title: 'Other' })
    const e2 = entry({ entry_id: 'E2', title: 'Something' })
    const byDevice = matchConsole(consoleRef, {
      ...empty,
      entries: [e1, e2],
      devices: [
        {
          id: 'd',
          config_entries: ['E2'],
          connections: [['mac', '70:a7:41:1b:2c:3d']],
          identifiers: [['unifiprotect', '70A7411B2C3D']],
          name: 'NVR',
        },
      ],
    })
    expect(byDevice).toMatchObject({ entry: { entry_id: 'E2' }, how: 'device' })
    const reauth = {
      flowId: 'F',
      entryId: 'E1',
      stepId: 'reauth_api_key',
      uniqueId: null,
      host: '10.0.0.5',
      title: 'Other',
      issueId: null,
    }
    expect(matchConsole(consoleRef, { ...empty, entries: [e1, e2], reauths: [reauth] })).toMatchObject({
      entry: { entry_id: 'E1' },
      reauth: { flowId: 'F' },
      how: 'reauth',
    })
    // A same-named entry may be another console's (home-assistant.md §1.6): no match, a new entry is made.
    expect(matchConsole(consoleRef, { ...empty, entries: [e1, entry({ entry_id: 'E3', title: 'nvr' })] })).toEqual({
      entry: null,
      reauth: null,
      how: null,
    })
    expect(matchConsole(consoleRef, { ...empty, entries: [e1, e2] })).toEqual({ entry: null, reauth: null, how: null })
  })

  it('normalises MACs', () => {
    expect(normalizeMacHex('70:a7:41:1b:2c:3d')).toBe('70A7411B2C3D')
    expect(normalizeMacHex('nope')).toBeNull()
  })
})

describe('health classification (§1.4, §2.5)', () => {
  it.each([
    [entry({}), null, 'ok', false],
    [
      entry({
        state: 'setup_error',
        reason: 'could not authenticate',
        error_reason_translation_key: 'entry_auth_failed',
      }),
      null,
      'key_rejected',
      true,
    ],
    [entry({ state: 'setup_error', error_reason_translation_key: 'api_key_required' }), null, 'key_rejected', true],
    [entry({ state: 'setup_error', error_reason_translation_key: 'protect_version' }), null, 'protect_too_old', false],
    [entry({ state: 'setup_retry', reason: 'Failed to connect' }), null, 'retrying', false],
    [entry({ state: 'not_loaded', disabled_by: 'user' }), null, 'disabled', false],
    [entry({ state: 'migration_error' }), null, 'error', false],
    [entry({ state: 'setup_in_progress' }), null, 'busy', false],
    [null, null, 'no_entry', false],
  ] as const)('%#: %s', (e, reauth, signal, keyProblem) => {
    expect(classifyEntry(e, reauth)).toEqual({ signal, keyProblem })
  })

  it('a pending reauth means the key is refused even while the entry still says loaded', () => {
    const reauth = { flowId: 'F', entryId: 'E1', stepId: null, uniqueId: null, host: null, title: null, issueId: null }
    expect(classifyEntry(entry({}), reauth)).toEqual({ signal: 'key_rejected', keyProblem: true })
  })
})

describe('copyFields (clipboard path)', () => {
  const consoleRef = { key: '10.0.0.5:443', host: '10.0.0.5', port: 443, name: 'NVR' }

  it('HA 2026.8: the full form with username, password and key', () => {
    const plan = copyFields({
      app: 'protect',
      console: consoleRef,
      secret: 'KEY',
      credentials: { username: 'keyward', password: 'pw' },
      haVersion: '2026.8.3',
      haUrl: 'ha.lan',
    })
    expect(plan.fields.map((f) => f.field)).toEqual(['host', 'port', 'verify_ssl', 'username', 'password', 'api_key'])
    expect(plan.fields.find((f) => f.field === 'api_key')).toMatchObject({ value: 'KEY', secret: true })
    expect(plan.fields.find((f) => f.field === 'verify_ssl')!.value).toBe('off')
    expect(plan.link).toBe('http://ha.lan:8123/_my_redirect/config_flow_start?domain=unifiprotect')
    expect(plan.steps).toHaveLength(1)
  })

  it('HA 2026.9 with a dedicated user: still API key only unless the full setup is asked for', () => {
    const credentials = { username: 'keyward', password: '' }
    expect(
      copyFields({ app: 'protect', console: consoleRef, secret: 'KEY', credentials, haVersion: '2026.9.1' }).fields.map(
        (f) => f.field,
      ),
    ).toEqual(['host', 'api_key'])
    expect(
      copyFields({
        app: 'protect',
        console: consoleRef,
        secret: 'KEY',
        credentials,
        haVersion: '2026.9.1',
        mode: 'full',
      }).fields.map((f) => f.field),
    ).toEqual(['host', 'port', 'verify_ssl', 'username', 'password', 'api_key'])
  })

  it('HA 2026.9 without credentials: API key only, host and key', () => {
    const plan = copyFields({ app: 'protect', console: consoleRef, secret: 'KEY', haVersion: '2026.9.1' })
    expect(plan.fields.map((f) => f.field)).toEqual(['host', 'api_key'])
    expect(plan.steps[1]).toMatch(/API key only/)
    expect(plan.link).toBe('https://my.home-assistant.io/redirect/config_flow_start/?domain=unifiprotect')
    expect(hasProtectMenu('2026.8.9')).toBe(false)
    expect(hasProtectMenu(null)).toBe(true)
  })

  it('Access uses api_token; Network uses the API-key mode (HA 2026.10+)', () => {
    expect(copyFields({ app: 'access', console: consoleRef, secret: 'TOK' }).fields.map((f) => f.field)).toEqual([
      'host',
      'api_token',
      'verify_ssl',
    ])
    const network = copyFields({ app: 'network', console: consoleRef })
    expect(network).toMatchObject({ applicable: true, domain: 'unifi' })
    expect(network.fields.map((f) => f.field)).toEqual(['host', 'api_key', 'port', 'verify_ssl'])
    expect(network.steps.join(' ')).toMatch(/Choose "API key"/)
    expect(network.message).toMatch(/no "API key" choice.*username and password/)
  })
})
