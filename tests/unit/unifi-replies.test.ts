// Console replies read through their zod schemas (electron/core/unifi/envelope.ts `parseReply` and the
// schemas in users.ts, keys.ts, access.ts, protect.ts, session.ts): a reply of the wrong shape is a
// `bad-reply` in plain words, and both shapes unifi-os.md names (enveloped or bare, `unique_id` or `id`)
// are read alike.
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createAccessToken, listAccessTokens } from '../../electron/core/unifi/access.ts'
import { parseReply } from '../../electron/core/unifi/envelope.ts'
import { listKeys, mintKey } from '../../electron/core/unifi/keys.ts'
import { protectSummary } from '../../electron/core/unifi/protect.ts'
import type { ApiReply, ConsoleSession } from '../../electron/core/unifi/session.ts'
import { createLocalUser, listAdmins, listRoles } from '../../electron/core/unifi/users.ts'

let port = 40000
/** A signed-in session whose console answers every call with `status` and `body`. */
function answering(status: number, body: unknown): ConsoleSession {
  const reply: ApiReply = { status, body, headers: {} }
  return {
    target: { host: '10.9.9.9', port: port++, pin: 'x', label: 'NVR (10.9.9.9)' },
    user: { id: 'u1', username: 'admin', isOwner: true, isSuperAdmin: true, roles: [] },
    call: () => Promise.resolve(reply),
  } as unknown as ConsoleSession
}

const user = { username: 'keyward-protect', password: 'Str0ng-and-long!', roleId: 'r1' }

describe('parseReply', () => {
  it('answers the parsed body, or bad-reply with the sentence given and the mismatch as detail', () => {
    expect(parseReply(z.object({ id: z.string() }), { id: 'a' }, 'no id')).toEqual({ id: 'a' })
    expect(() => parseReply(z.object({ id: z.string() }), { id: 5 }, 'NVR sent no id.')).toThrow(
      expect.objectContaining({ code: 'bad-reply', message: 'NVR sent no id.', detail: expect.stringContaining('id') }),
    )
  })
})

describe('replies of the wrong shape fail in words', () => {
  it.each([
    [
      'a minted key without the key',
      () => mintKey(answering(200, { code: 1, data: { id: 'k1' } }), 'ha'),
      'created a key but did not send it back',
    ],
    [
      'a key list that is not a list',
      () => listKeys(answering(200, { code: 1, data: { id: 'k1' } })),
      'sent an unexpected key list',
    ],
    [
      'a created user without details',
      () => createLocalUser(answering(200, { code: 1, data: 'ok' }), user),
      'created the user but sent no details',
    ],
    [
      'a created user without an id',
      () => createLocalUser(answering(200, { code: 1, data: { id: 7 } }), user),
      'created the user but sent no id',
    ],
    ['a roles list that is not a list', () => listRoles(answering(200, { data: {} })), 'sent an unexpected roles list'],
    [
      'an Access token that is blank',
      () =>
        createAccessToken(answering(200, { code: 'SUCCESS', data: { api_key: '  ' } }), { name: 't', validityDays: 0 }),
      'created an Access token but did not send it back',
    ],
    [
      'a Protect bootstrap that is a list',
      () => protectSummary(answering(200, [])),
      'did not return the Protect bootstrap (status 200)',
    ],
  ])('%s', async (_name, call, words) => {
    await expect(call()).rejects.toMatchObject({ code: 'bad-reply', message: expect.stringContaining(words) })
  })
})

describe('both shapes, and entries Keyward cannot use, are read', () => {
  it('a key list enveloped or bare; odd fields read as unknown, entries without an id skipped (§4.1)', async () => {
    const entries = [
      { id: 'k1', name: 'ha', masked_api_key: 7, last_used_at: '2026-12-01T00:00:00Z', creator_user_id: 42 },
      { name: 'no id' },
    ]
    for (const body of [{ code: 1, codeS: 'SUCCESS', data: entries }, entries]) {
      expect(await listKeys(answering(200, body))).toEqual([
        {
          id: 'k1',
          name: 'ha',
          masked: null,
          description: null,
          createdAt: null,
          lastUsedAt: '2026-12-01T00:00:00Z',
          permissions: null,
          creatorUserId: null,
        },
      ])
    }
  })

  it('admins as a plain array or a page, with `unique_id` or `id` (§2, §3)', async () => {
    const admins = [
      { unique_id: 'a1', username: 'admin', isOwner: true },
      { id: 'a2', username: 'keyward-ha' },
      { username: 'no id' },
    ]
    const expected = [
      { id: 'a1', username: 'admin', isOwner: true },
      { id: 'a2', username: 'keyward-ha' },
    ]
    expect(await listAdmins(answering(200, { code: 1, data: admins }))).toEqual(expected)
    expect(await listAdmins(answering(200, { code: 1, data: { data: admins, page_num: 1 } }))).toEqual(expected)
    expect(await listAdmins(answering(200, { code: 1, data: 'nobody' }))).toEqual([])
  })

  it('a Protect bootstrap with odd parts reads them as unknown', async () => {
    expect(await protectSummary(answering(200, { nvr: 'x', cameras: {} }))).toEqual({
      cameras: 0,
      version: null,
      nvrMac: null,
    })
    expect(
      await protectSummary(answering(200, { nvr: { version: '7.3.12', mac: '70:a7:41:1b:2c:3d' }, cameras: [{}, {}] })),
    ).toEqual({
      cameras: 2,
      version: '7.3.12',
      nvrMac: '70A7411B2C3D',
    })
  })

  it('Access tokens enveloped or bare (§5.3)', async () => {
    const tokens = [{ id: 't1', name: 'ha' }, { name: 'no id' }]
    expect(await listAccessTokens(answering(200, { code: 'SUCCESS', msg: 'ok', data: tokens }))).toEqual([
      { id: 't1', name: 'ha' },
    ])
    expect(await listAccessTokens(answering(200, tokens))).toEqual([{ id: 't1', name: 'ha' }])
  })
})
