// An announced Home Assistant, as its card shows it: where Keyward would connect, and what the TXT says.
import { describe, expect, it } from 'vitest'
import { homeAssistantDetails, type MdnsService } from '../../electron/core/discovery/mdns-txt.ts'

const service = (txt: string[], referer: string | null = '192.0.2.10'): MdnsService => ({
  type: 'home-assistant',
  fqdn: 'Home._home-assistant._tcp.local',
  instance: 'Home',
  host: 'ha.local',
  port: 8123,
  addresses: ['192.0.2.10'],
  referer,
  rawTxt: txt.map((t) => Buffer.from(t)),
})

describe('HA card from an mDNS announcement', () => {
  it('connects to the announced URL when its host is the sender', () => {
    const txt = ['internal_url=https://192.0.2.10:8443', 'UUID=abc', 'uuid=second', 'version=2026.9.0']
    const d = homeAssistantDetails(service(txt))
    expect(d).toMatchObject({
      connectUrl: 'https://192.0.2.10:8443',
      urlIgnored: false,
      uuid: 'abc',
      version: '2026.9.0',
      source: '192.0.2.10',
    })
  })

  it('ignores a URL pointing elsewhere and uses the sender with the SRV port', () => {
    const d = homeAssistantDetails(service(['internal_url=http://198.51.100.7:8123', 'location_name=Home']))
    expect(d).toMatchObject({ connectUrl: 'http://192.0.2.10:8123', urlIgnored: true, locationName: 'Home' })
  })

  it('keeps https when the ignored URL is https: an HA serving TLS itself answers nothing else on its port', () => {
    const d = homeAssistantDetails(service(['internal_url=https://ha.example.com:8123', 'base_url=http://ha.lan:8123']))
    expect(d).toMatchObject({ connectUrl: 'https://192.0.2.10:8123', urlIgnored: true })
  })

  it('writes the default port of an announced URL without one (https → 443, http → 80)', () => {
    expect(homeAssistantDetails(service(['internal_url=https://192.0.2.10/'])).connectUrl).toBe(
      'https://192.0.2.10:443',
    )
    expect(homeAssistantDetails(service(['base_url=http://192.0.2.10'])).connectUrl).toBe('http://192.0.2.10:80')
  })

  it('has nowhere to connect when the sender is unknown', () => {
    expect(homeAssistantDetails(service([], null)).connectUrl).toBeNull()
  })
})
