// The renderer's UISP helpers: which Find-step cards a discovered inventory and
// known servers give, and which inventory devices the registration helper has
// commands for (the discovery scenario's EdgeRouter and airOS radio; not UniFi devices).
import { describe, expect, it } from 'vitest'
import type { UispServerRecord } from '../../shared/domain.ts'
import { registrableDevice } from '../../renderer/src/uisp/devices.ts'
import { uispServerCards } from '../../renderer/src/wizard/uisp/store.ts'
import { inventoryItem } from '../support/inventory-item.ts'

const item = inventoryItem

describe('UISP server cards', () => {
  it('lists a discovered server and a known one once each, with how they were found', () => {
    const found = item({
      id: 'addr:10.73.0.15:443',
      kind: 'uisp-server',
      address: '10.73.0.15',
      httpsPort: 443,
      foundBy: ['https'],
      uisp: { version: '2.4.155', deployment: null, build: null, time: null },
    })
    const known: UispServerRecord[] = [
      {
        key: '10.73.0.15:443',
        host: '10.73.0.15',
        port: 443,
        version: '2.4.155',
        certificateSha256: 'AA',
        lastSeen: '2026-01-01T00:00:00.000Z',
      },
      {
        key: 'uisp.lan:8443',
        host: 'uisp.lan',
        port: 8443,
        version: null,
        certificateSha256: 'BB',
        lastSeen: '2026-01-01T00:00:00.000Z',
      },
    ]
    expect(uispServerCards([found, item({ kind: 'console', address: '10.73.0.2' })], known, ['uisp.lan:8443'])).toEqual(
      [
        { key: '10.73.0.15:443', host: '10.73.0.15', version: '2.4.155', foundBy: 'Found on the network' },
        { key: 'uisp.lan:8443', host: 'uisp.lan', version: null, foundBy: 'Address you entered' },
      ],
    )
  })
})

describe('devices the registration helper can register', () => {
  it('knows EdgeRouters, airOS radios and UISP routers, and leaves UniFi devices alone', () => {
    expect(
      registrableDevice(
        item({
          id: 'er',
          name: 'ubnt-router',
          model: 'ER-X',
          address: '10.73.0.150',
          firmware: 'e50.v2.0.9-hotfix.7.5622731.230615.0857',
        }),
      ),
    ).toEqual({
      id: 'er',
      label: 'ubnt-router (ER-X) · 10.73.0.150',
      device: { kind: 'edgeos', firmware: 'e50.v2.0.9-hotfix.7.5622731.230615.0857' },
    })
    expect(
      registrableDevice(
        item({
          id: 'lm5',
          name: 'Rooftop-LM5',
          model: 'LM5',
          foundBy: ['airos'],
          firmware: 'XM.ar7240.v6.3.6.33330.210818.1723',
        }),
      )?.device,
    ).toEqual({ kind: 'airos', firmware: 'XM.ar7240.v6.3.6.33330.210818.1723' })
    expect(
      registrableDevice(
        item({ id: 'r', model: 'UISP-R', uispDevice: { product: 'UISP Router', model: 'UISP-R', family: null } }),
      )?.device.kind,
    ).toBe('ubios')
    expect(
      registrableDevice(item({ id: 'ap', model: 'U7PG2', firmware: 'BZ.qca956x_6.0.21+13673.220607.2004' })),
    ).toBeNull()
    expect(registrableDevice(item({ kind: 'uisp-server' }))).toBeNull()
  })
})
