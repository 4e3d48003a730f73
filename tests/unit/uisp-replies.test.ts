// The UISP reply shapes Keyward relies on (uisp.md §1–§4): both shapes the reference names pass, anything
// else fails as `bad-reply` in the plain words the caller chose.
import { describe, expect, it } from 'vitest'
import { hapiMessage } from '../../electron/core/uisp/http.ts'
import {
  connectionReply,
  newTokenReply,
  replyAs,
  revokeRefused,
  twoFactorReply,
  versionReply,
} from '../../electron/core/uisp/replies.ts'

describe('UISP reply shapes', () => {
  it('a reply of another shape fails as bad-reply with the caller’s words', () => {
    for (const body of [null, [], 'text', { id: '' }]) {
      expect(() => replyAs(twoFactorReply, body, 'UISP sent no sign-in token.')).toThrow(
        expect.objectContaining({ code: 'bad-reply', message: 'UISP sent no sign-in token.' }),
      )
    }
    expect(replyAs(twoFactorReply, { id: 'tft-1', userId: 'u', exp: 1 }, 'x')).toMatchObject({ id: 'tft-1', exp: 1 })
  })

  it('/nms/version: new UISP {version, deployment, …} and old UNMS {version} only (§3)', () => {
    expect(versionReply.safeParse({ version: '2.4.155', deployment: 'docker', build: 1 }).success).toBe(true)
    expect(versionReply.safeParse({ version: '0.11.3' }).success).toBe(true)
    expect(versionReply.safeParse({ version: '' }).success).toBe(false)
  })

  it('a new token carries its secret once (NewTokenSchema, §2); a revoke says result false when refused', () => {
    expect(newTokenReply.safeParse({ id: 't', name: 'n', token: 'd5b6d28a' }).success).toBe(true)
    expect(newTokenReply.safeParse({ id: 't', name: 'n' }).success).toBe(false)
    expect(revokeRefused.safeParse({ result: false, message: 'no' }).success).toBe(true)
    expect(revokeRefused.safeParse({ result: true, message: 'ok' }).success).toBe(false)
  })

  it('the UISP key is a non-empty string (§4); an error body’s words are message, else error (§1)', () => {
    expect(connectionReply.safeParse('uisp.example:443+abc').success).toBe(true)
    expect(connectionReply.safeParse('  ').success).toBe(false)
    expect(hapiMessage({ statusCode: 401, error: 'Unauthorized', message: 'Invalid token' })).toBe('Invalid token')
    expect(hapiMessage({ statusCode: 500, error: 'boom' })).toBe('boom')
    expect(hapiMessage(['boom'])).toBeNull()
  })
})
