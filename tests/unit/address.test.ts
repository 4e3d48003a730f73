import { describe, expect, it } from 'vitest'
import { normalizeAddress } from '../../electron/core/net/address.ts'
import { KeywardFailure } from '../../shared/result.ts'

describe('normalizeAddress: what users paste becomes host + port', () => {
  it.each([
    ['192.168.1.1', '192.168.1.1', 443],
    ['  192.168.1.1  ', '192.168.1.1', 443],
    ['https://192.168.1.1/protect/dashboard', '192.168.1.1', 443],
    ['https://192.168.1.1:8443/manage/site/default', '192.168.1.1', 8443],
    ['http://unvr.lan', 'unvr.lan', 443],
    ['UNVR.Lan.', 'unvr.lan', 443],
    ['unvr.lan:7443', 'unvr.lan', 7443],
    ['https://admin:hunter2@10.0.0.1/', '10.0.0.1', 443],
    ['10.0.0.1?x=1#frag', '10.0.0.1', 443],
    ['[fe80::1]:8443', 'fe80::1', 8443],
    ['https://[2001:db8::5]/', '2001:db8::5', 443],
    ['2001:db8::5', '2001:db8::5', 443],
  ])('%j → %s:%i', (raw, host, port) => {
    const address = normalizeAddress(raw)
    expect(address.host).toBe(host)
    expect(address.port).toBe(port)
  })

  it('keys IPv6 addresses with brackets so host and port stay apart', () => {
    expect(normalizeAddress('[fe80::1]:8443').key).toBe('[fe80::1]:8443')
    expect(normalizeAddress('10.0.0.1').key).toBe('10.0.0.1:443')
  })

  it.each([
    ['', /Enter the address/],
    ['   ', /Enter the address/],
    ['ftp://10.0.0.1', /"ftp:\/\/" is not a web address/],
    ['10.0.0.1:0', /outside 1–65535/],
    ['10.0.0.1:70000', /outside 1–65535/],
    ['10.0.0.1:https', /not a port number/],
    ['300.1.1.1', /not a valid IPv4 address/],
    ['10.0.0', /not a valid IPv4 address/],
    ['bad_host!.lan', /not a valid host name/],
    ['my console', /cannot contain spaces/],
    ['[fe80::1', /closing "\]"/],
    ['[zz::1]', /not a valid IPv6/],
    ['https://', /no host name/],
    ['a'.repeat(400), /too long/],
  ])('%j is refused with a specific message', (raw, message) => {
    let error: unknown
    try {
      normalizeAddress(raw)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(KeywardFailure)
    expect((error as KeywardFailure).code).toBe('invalid-input')
    expect((error as KeywardFailure).message).toMatch(message)
  })

  it('never keeps credentials typed into a URL', () => {
    const address = normalizeAddress('https://admin:hunter2@10.0.0.1:8443/')
    expect(JSON.stringify(address)).not.toContain('hunter2')
  })
})
