// What the key list says after an action, as pure functions of the answer.
import type { KeyView } from '../../../shared/domain.ts'
import { hostLabel } from './model.ts'
import type { RowNote } from './rows.ts'

export function checkAllNotice(keys: KeyView[]): string {
  const attention = keys.filter((k) => k.status === 'failing' || k.status === 'expired').length
  return `Checked ${keys.length} key${keys.length === 1 ? '' : 's'}${attention ? `: ${attention} need${attention === 1 ? 's' : ''} attention` : ''}.`
}

export function checkNote(key: KeyView | undefined): RowNote {
  const check = key?.lastCheck
  return check?.status === 'ok'
    ? {
        tone: 'ok',
        text: `Verified just now: ${hostLabel(key!)} accepted the key${check.appVersion ? ` (version ${check.appVersion})` : ''} in ${check.latencyMs ?? '?'} ms.`,
      }
    : { tone: 'warn', text: 'Checked just now: the key does not work. The reason and what to do are shown above.' }
}

export function pauseNote(paused: boolean): RowNote {
  return {
    tone: 'info',
    text: paused ? 'Checks paused: Keyward will not check this key until you resume.' : 'Checks resumed.',
  }
}

export function rotateNote(key: KeyView | undefined, oldKeyStillActive: boolean): RowNote {
  const where = key ? hostLabel(key) : 'the console'
  const handed = (key?.pushedTo.length ?? 0) > 0 ? ' Home Assistant already uses it.' : ''
  return oldKeyStillActive
    ? {
        tone: 'warn',
        text: `Rotated: the new key works and is in the keychain.${handed} The old key could not be revoked and still works on ${where}: delete it on the console’s Integrations page.`,
      }
    : {
        tone: 'ok',
        text: `Rotated: the new key works and is in the keychain.${handed} The old key was revoked on ${where}.`,
      }
}

export const revokedNotice = (key: KeyView | undefined): string =>
  key ? `Revoked “${key.name}” on ${hostLabel(key)}; Keyward forgot it.` : 'Revoked.'

export const forgotNotice = (key: KeyView | undefined): string =>
  key ? `Forgot “${key.name}”. It still works on ${hostLabel(key)}.` : 'Forgot the key.'
