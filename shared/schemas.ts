// The inputs of every request as zod schemas: the one place a request's input shape is defined, for the
// main side only (the core validates every input with them, dispatch.ts). The renderer and the preload
// never load this file: they see the input types only (shared/contract.ts, `import type`), so zod stays
// out of their bundles (issue 16).
import { z } from 'zod'
import type { RequestName } from './contract.ts'

// zod compiles validators with `new Function` unless told not to; under the renderer's CSP (no 'unsafe-eval')
// its one-time probe is blocked and Chromium reports a CSP violation. Interpreted validation is all we need.
z.config({ jitless: true })

/** Upper bound for any string field the UI may send; inputs are small by nature. */
export const MAX_TEXT = 2048

const none = z.object({}).strict()
const consoleKey = z.string().min(1).max(300)
const app = z.enum(['protect', 'network', 'access'])
/** Names the console shows on its Admins and Integrations pages. */
const name = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9 ._@-]*$/, 'letters, digits, space . _ @ - only')
const provisionId = z.string().regex(/^[a-z0-9-]{1,64}$/)
const keyId = z.string().regex(/^[a-z0-9-]{1,64}$/)

// UISP (uisp.md): a server is addressed by its key (`host:port`), like a console.
const mfaCode = z.string().regex(/^\d{6,8}$/, 'a 6–8 digit code')
const uispPurpose = z.enum(['monitor', 'register-devices'])
/** swagger: token names are at most 20 characters. */
export const uispTokenName = z
  .string()
  .trim()
  .min(1, 'a token needs a name')
  .refine((s) => [...s].length <= 20, 'at most 20 characters (UISP’s limit for token names)')
  // eslint-disable-next-line no-control-regex
  .refine((s) => !/[\x00-\x1f\x7f]/.test(s), 'no control characters')
/** swagger NewTokenSchema `id`: a UUID. */
const uispTokenId = z
  .string()
  .regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, 'a UISP token id (a UUID)')
/** A device for the registration helper (uisp.md §5). */
export const uispDevice = z
  .object({
    kind: z.enum(['edgeos', 'airos', 'ubios']),
    firmware: z.string().max(128).optional(),
    airmax: z.enum(['ac', 'm']).optional(),
    mode: z.enum(['interactive', 'script']).optional(),
  })
  .strict()

export const preferencesInput = z
  .object({
    clipboardClearSeconds: z.number().int().min(5).max(600),
    checkIntervalMinutes: z.number().int().min(1).max(1440),
    startAtLogin: z.boolean(),
    expiryLeadDays: z.number().int().min(1).max(90),
  })
  .strict()

export const inputs = {
  'console.probe': z.object({ address: z.string().max(MAX_TEXT) }).strict(),
  'console.trust': z
    .object({ key: z.string().max(MAX_TEXT), sha256: z.string().regex(/^[0-9A-F]{2}(:[0-9A-F]{2}){31}$/) })
    .strict(),
  'console.list': none,
  'console.signIn': z
    .object({
      key: consoleKey,
      username: z.string().min(1).max(256),
      password: z.string().min(1).max(1024),
      mfaCode: z
        .string()
        .regex(/^\d{6,8}$/, 'a 6–8 digit code')
        .optional(),
    })
    .strict(),
  'console.signOut': z.object({ key: consoleKey }).strict(),
  'console.forget': z.object({ key: consoleKey }).strict(),
  'hosts.forApp': z.object({ app, picked: consoleKey.optional() }).strict(),
  'provision.plan': z.object({ key: consoleKey, app }).strict(),
  'provision.run': z
    .object({
      key: consoleKey,
      app,
      mode: z.enum(['dedicated-user', 'signed-in-admin']),
      username: name,
      keyName: name,
      accessValidityDays: z.number().int().min(0).max(3650).optional(),
    })
    .strict(),
  'provision.resume': z.object({ id: provisionId }).strict(),
  'provision.list': none,
  'provision.cleanup': z.object({ id: provisionId }).strict(),
  'discovery.interfaces': none,
  'discovery.start': z.object({ interfaces: z.array(z.string().min(1).max(64)).max(32).optional() }).strict(),
  'discovery.stop': none,
  'discovery.status': none,
  'discovery.scan': none,
  'discovery.searchUisp': none,
  'discovery.cancelUispSearch': none,
  'inventory.list': none,
  'inventory.addManual': z.object({ address: z.string().max(MAX_TEXT) }).strict(),
  'keys.list': none,
  'keys.check': z.object({ ids: z.array(keyId).max(2000).optional() }).strict(),
  'keys.usage': z.object({ force: z.boolean().optional() }).strict(),
  'keys.pause': z.object({ id: keyId, paused: z.boolean() }).strict(),
  'keys.forget': z.object({ id: keyId }).strict(),
  'keys.copy': z.object({ id: keyId }).strict(),
  'keys.copyPassword': z.object({ id: keyId }).strict(),
  'keys.reveal': z.object({ id: keyId }).strict(),
  'keys.rotate': z.object({ id: keyId }).strict(),
  'keys.revoke': z.object({ id: keyId, deleteUser: z.boolean().optional() }).strict(),
  'ha.connect': z
    .object({
      url: z.string().min(1).max(MAX_TEXT),
      token: z.string().min(10).max(4096),
      sha256: z
        .string()
        .regex(/^[0-9A-F]{2}(:[0-9A-F]{2}){31}$/)
        .optional(),
    })
    .strict(),
  'ha.list': none,
  'ha.continue': z
    .object({
      id: keyId,
      sha256: z
        .string()
        .regex(/^[0-9A-F]{2}(:[0-9A-F]{2}){31}$/)
        .optional(),
    })
    .strict(),
  'ha.forget': z.object({ id: keyId }).strict(),
  'ha.push': z
    .object({
      keyId,
      haId: keyId,
      mode: z.enum(['api_key', 'full']).optional(),
      siteId: z.string().min(1).max(100).optional(),
    })
    .strict(),
  'ha.pushOptions': z.object({ keyId, haId: keyId }).strict(),
  'ha.consent': z.object({ keyId, haId: keyId, sentence: z.string().min(1).max(1000) }).strict(),
  'ha.fit': z.object({ haId: keyId, app }).strict(),
  'ha.copyFields': z.object({ keyId, haId: keyId.optional() }).strict(),
  'keys.viewing': z.object({ open: z.boolean() }).strict(),
  'uisp.servers': none,
  'uisp.probe': z.object({ address: z.string().max(MAX_TEXT) }).strict(),
  'uisp.trust': z.object({ key: consoleKey, sha256: z.string().regex(/^[0-9A-F]{2}(:[0-9A-F]{2}){31}$/) }).strict(),
  'uisp.signIn': z
    .object({
      key: consoleKey,
      username: z.string().min(1).max(256),
      password: z.string().min(1).max(1024),
      mfaCode: mfaCode.optional(),
    })
    .strict(),
  'uisp.signOut': z.object({ key: consoleKey }).strict(),
  'uisp.forget': z.object({ key: consoleKey }).strict(),
  'uisp.plan': z.object({ key: consoleKey }).strict(),
  'uisp.createToken': z.object({ key: consoleKey, purpose: uispPurpose, name: uispTokenName }).strict(),
  'uisp.resumeToken': z.object({ id: provisionId }).strict(),
  'uisp.listTokens': z.object({ key: consoleKey }).strict(),
  'uisp.revokeToken': z.object({ key: consoleKey, tokenId: uispTokenId }).strict(),
  'uispKey.list': none,
  'uispKey.save': z.object({ text: z.string().min(1, 'paste a UISP key').max(MAX_TEXT) }).strict(),
  'uispKey.fromServer': z.object({ key: consoleKey }).strict(),
  'uispKey.check': z.object({ id: keyId }).strict(),
  'uispKey.copy': z.object({ id: keyId }).strict(),
  'uispKey.forget': z.object({ id: keyId }).strict(),
  'uispKey.registration': z.object({ id: keyId.optional(), device: uispDevice }).strict(),
  'uispKey.copyRegistration': z.object({ id: keyId, device: uispDevice }).strict(),
  'tray.model': none,
  'keys.schedule': none,
  'vault.status': none,
  'settings.status': none,
  'preferences.get': none,
  'preferences.set': preferencesInput.partial().strict(),
  'logs.location': none,
  'logs.open': none,
  'desktop.status': none,
  'app.about': none,
  'audit.open': z
    .object({
      consoles: z.array(consoleKey).max(50),
      uispServers: z.array(consoleKey).max(50),
      unusedDays: z.number().int().min(1).max(3650).optional(),
    })
    .strict(),
  'audit.findings': none,
  'audit.cleanup': z
    .object({ ids: z.array(z.string().min(1).max(800)).min(1).max(500), confirmation: z.string().max(1000).optional() })
    .strict(),
  'activity.list': z.object({ hostKey: consoleKey.optional(), keyId: keyId.optional() }).strict(),
  'activity.export': z
    .object({ format: z.enum(['csv', 'json']), hostKey: consoleKey.optional(), keyId: keyId.optional() })
    .strict(),
} as const satisfies Record<RequestName, z.ZodType>

export type Inputs = typeof inputs
