// What one HTTPS answer tells the fingerprint (fingerprint.ts), without sockets:
// which `/` answers make the address a console worth probing (unifi-os.md §1),
// and what a UISP server's version answer or a UISP-firmware device's public
// answer puts on the card (uisp.md §3) — cleaned, since the LAN is not trusted.
import type { IncomingHttpHeaders } from 'node:http'
import { describe, expect, it } from 'vitest'
import { looksLikeConsole, uispDeviceOf, uispServerOf } from '../../electron/core/discovery/fingerprint.ts'
import type { HttpsReply } from '../../electron/core/net/https.ts'

const reply = (status: number, body: unknown, headers: IncomingHttpHeaders = {}): HttpsReply => ({
  status,
  headers,
  body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
  certificate: { sha256: 'AA', subject: 'CN=x', issuer: 'CN=x', validFrom: '', validTo: '', selfSigned: true },
  elapsedMs: 1,
})

describe('looksLikeConsole', () => {
  it('takes UniFi OS (200 with a CSRF token) and the legacy Network application (redirect to /manage)', () => {
    expect(looksLikeConsole(reply(200, '<html>', { 'x-csrf-token': 't' }))).toBe(true)
    expect(looksLikeConsole(reply(302, '', { location: '/manage/account/login' }))).toBe(true)
    expect(looksLikeConsole(reply(301, '', { location: 'https://10.0.0.1:8443/manage' }))).toBe(true)
  })

  it('asks a 200 without a CSRF token too (the console probe confirms it or not, unifi-os.md §1/§2)', () => {
    expect(looksLikeConsole(reply(200, '<html>'))).toBe(true)
  })

  it('leaves any other web server to the UISP questions', () => {
    expect(looksLikeConsole(reply(302, '', { location: '/login' }))).toBe(false)
    expect(looksLikeConsole(reply(404, '', { 'x-csrf-token': 't' }))).toBe(false)
  })
})

describe('uispServerOf', () => {
  it('reads the version answer, with or without its undocumented fields', () => {
    expect(uispServerOf(reply(200, { version: '2.4.155', deployment: 'docker', build: 1234, time: null }))).toEqual({
      version: '2.4.155',
      deployment: 'docker',
      build: '1234',
      time: null,
    })
    expect(uispServerOf(reply(200, { version: '2.4.155' }))).toEqual({
      version: '2.4.155',
      deployment: null,
      build: null,
      time: null,
    })
  })

  it('is not a UISP server: an error status, HTML, or no version', () => {
    expect(uispServerOf(reply(401, { version: '2.4.155' }))).toBeNull()
    expect(uispServerOf(reply(200, '<html>not json'))).toBeNull()
    expect(uispServerOf(reply(200, { name: 'x' }))).toBeNull()
  })

  it('never puts a control or bidi character on a card', () => {
    expect(uispServerOf(reply(200, { version: '2.4\u202E1' }))?.version).toBe('2.4\uFFFD1')
  })
})

describe('uispDeviceOf', () => {
  it('reads product, model and family from identification', () => {
    expect(
      uispDeviceOf(reply(200, { identification: { product: 'UISP Router', model: 'UISP-R', family: null } })),
    ).toEqual({ product: 'UISP Router', model: 'UISP-R', family: null })
  })

  it('is not a UISP-firmware device without identification', () => {
    expect(uispDeviceOf(reply(200, { product: 'UISP-R' }))).toBeNull()
    expect(uispDeviceOf(reply(500, { identification: {} }))).toBeNull()
  })
})
