// What the audit read, as one list of credentials (pure): the console's admins, each admin's API keys
// and the Access tokens; a UISP server's API tokens. Each is matched against what Keyward knows: the
// key it watches (settings `keys`) and the flow that made it (the journals: `provisions`, UISP `flows`).
import type { AuditCredential, CredentialKind } from '../../../shared/audit.ts'
import type { KeyRecord, ProvisionRecord, UispTokenInfo, UispTokenRecord } from '../../../shared/domain.ts'
import type { ListedAccessToken } from '../unifi/access.ts'
import type { ListedKey } from '../unifi/keys.ts'
import type { AuditAdmin } from './console-reads.ts'

/** What Keyward knows of its own work: watched keys and the journals of the flows that made them. */
export interface KeywardKnowledge {
  keys: readonly KeyRecord[]
  provisions: readonly ProvisionRecord[]
  uispFlows: readonly UispTokenRecord[]
}

export interface AuditHost {
  key: string
  label: string
}

export interface ConsoleRead {
  admins: AuditAdmin[]
  /** Keys per admin id; an admin whose keys could not be read is absent. */
  keysByAdmin: Map<string, ListedKey[]>
  /** null: Access does not run there (or was not read). */
  accessTokens: ListedAccessToken[] | null
}

const KIND_OF_APP: Record<KeyRecord['app'], CredentialKind> = {
  protect: 'api-key',
  network: 'api-key',
  access: 'access-token',
  uisp: 'uisp-token',
}

export const credentialId = (hostKey: string, kind: CredentialKind, remoteId: string): string =>
  `${hostKey}|${kind}|${remoteId}`

/** The watched key for a credential on a host, if Keyward tracks it. */
export function trackedKey(
  known: KeywardKnowledge,
  hostKey: string,
  kind: CredentialKind,
  remoteId: string,
): KeyRecord | null {
  return (
    known.keys.find((k) => k.consoleKey === hostKey && k.remoteId === remoteId && KIND_OF_APP[k.app] === kind) ?? null
  )
}

function madeByFlow(known: KeywardKnowledge, hostKey: string, kind: CredentialKind, remoteId: string): boolean {
  if (kind === 'uisp-token') return known.uispFlows.some((f) => f.serverKey === hostKey && f.tokenId === remoteId)
  return known.provisions.some((p) => {
    if (p.consoleKey !== hostKey) return false
    if (kind === 'local-admin') return p.mode === 'dedicated-user' && p.userId === remoteId
    return p.keyId === remoteId && (kind === 'access-token') === (p.app === 'access')
  })
}

/** A credential's fields before its host says anything of them. */
export const UNKNOWN_FIELDS = {
  name: '',
  owner: null,
  ownerId: null,
  role: null,
  superAdmin: false,
  isOwner: false,
  localOnly: null,
  status: null,
  masked: null,
  createdAt: null,
  lastUsedAt: null,
  usageReported: false,
  expiresAt: null,
} as const satisfies Partial<AuditCredential>

function credential(
  host: AuditHost,
  kind: CredentialKind,
  remoteId: string,
  fields: Partial<AuditCredential>,
  known: KeywardKnowledge,
): AuditCredential {
  return {
    id: credentialId(host.key, kind, remoteId),
    hostKey: host.key,
    hostLabel: host.label,
    kind,
    remoteId,
    ...UNKNOWN_FIELDS,
    ...fields,
    trackedKeyId: trackedKey(known, host.key, kind, remoteId)?.id ?? null,
    madeByKeyward: madeByFlow(known, host.key, kind, remoteId),
  }
}

export function consoleCredentials(host: AuditHost, read: ConsoleRead, known: KeywardKnowledge): AuditCredential[] {
  const out: AuditCredential[] = []
  for (const admin of read.admins) {
    out.push(
      credential(
        host,
        'local-admin',
        admin.id,
        {
          name: admin.username,
          owner: admin.username,
          ownerId: admin.id,
          role: admin.role,
          superAdmin: admin.superAdmin,
          isOwner: admin.isOwner,
          localOnly: admin.localOnly,
          status: admin.status,
          createdAt: admin.createdAt,
        },
        known,
      ),
    )
    for (const key of read.keysByAdmin.get(admin.id) ?? []) {
      out.push(
        credential(
          host,
          'api-key',
          key.id,
          {
            name: key.name,
            owner: admin.username,
            ownerId: admin.id,
            masked: key.masked,
            createdAt: key.createdAt,
            lastUsedAt: key.lastUsedAt,
            usageReported: true,
          },
          known,
        ),
      )
    }
  }
  for (const token of read.accessTokens ?? []) {
    out.push(credential(host, 'access-token', token.id, { name: token.name }, known))
  }
  return out
}

export function uispCredentials(
  host: AuditHost,
  tokens: readonly UispTokenInfo[],
  known: KeywardKnowledge,
): AuditCredential[] {
  return tokens
    .filter((t) => !t.transient)
    .map((t) =>
      credential(
        host,
        'uisp-token',
        t.id,
        {
          name: t.name,
          ownerId: t.userId,
          role: t.scope,
          createdAt: t.createdAt,
          lastUsedAt: t.lastUsed,
          usageReported: true,
          expiresAt: t.expiresAt,
        },
        known,
      ),
    )
}
