// Which Set-Cookie lines set a console session cookie and which clear it (unifi-os.md §2:
// `TOKEN`, or `UOS_TOKEN` on UniFi OS 4). The console's own clock decides an Expires.
import { describe, expect, it } from 'vitest'
import { setCookies } from '../../electron/core/unifi/cookies.ts'
import type { HttpsReply } from '../../electron/core/net/https.ts'

const reply = (lines: string[], date?: string): HttpsReply =>
  ({
    status: 200,
    headers: { 'set-cookie': lines, ...(date ? { date } : {}) },
    body: Buffer.alloc(0),
  }) as unknown as HttpsReply

describe('setCookies', () => {
  it('keeps a session cookie whose Expires is ahead of the console clock, even when that clock is years behind', () => {
    const cookies = setCookies(
      reply(
        ['TOKEN=abc.def.ghi; path=/; Expires=Tue, 01 Jan 2019 14:00:00 GMT; secure; httponly'],
        'Tue, 01 Jan 2019 12:00:00 GMT',
      ),
    )
    expect(cookies).toEqual([{ name: 'TOKEN', value: 'abc.def.ghi', cleared: false }])
  })

  it('reads the usual ways of clearing: the 1970 date (with or without a Date header), Max-Age=0, an empty value', () => {
    const lines = [
      'UOS_TOKEN=deleted; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/',
      'TOKEN=x; Max-Age=0',
      'OTHER=; path=/',
      'TOKEN=jwt; path=/',
    ]
    for (const date of [undefined, 'Wed, 03 Dec 2026 12:00:00 GMT']) {
      expect(setCookies(reply(lines, date)).map((c) => [c.name, c.cleared])).toEqual([
        ['UOS_TOKEN', true],
        ['TOKEN', true],
        ['OTHER', true],
        ['TOKEN', false],
      ])
    }
  })
})
