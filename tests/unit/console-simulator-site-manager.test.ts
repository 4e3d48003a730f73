// Site Manager (cloud) simulator: GET /v1/hosts with a cloud X-API-KEY (unifi-os.md §5.4).
import { afterEach, describe, expect, it } from 'vitest'
import { call, json } from '../simulators/console/client.ts'
import { createConsoleConfig } from '../simulators/console/presets.ts'
import {
  hostFromConsole,
  startSiteManagerSimulator,
  type RunningSiteManager,
} from '../simulators/site-manager/server.ts'

const running: RunningSiteManager[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()))
})

const CLOUD_KEY = 'dnF8hQgEXlkG5ipcb3pbWwTNV9MZk0Nx'

describe('Site Manager simulator', () => {
  it('known cloud key → 200 {data, httpStatusCode, traceId}; others → 401 UNAUTHORIZED', async () => {
    const host = hostFromConsole(createConsoleConfig('unvr'), '203.0.113.7')
    const sm = await startSiteManagerSimulator({ host: '127.0.0.1', port: 0, apiKeys: [CLOUD_KEY], hosts: [host] })
    running.push(sm)
    expect(sm.url).toBe(`https://127.0.0.1:${sm.port}`)

    const ok = await call(sm.url, '/v1/hosts', { headers: { 'x-api-key': CLOUD_KEY } })
    expect(ok.status).toBe(200)
    expect(ok.fingerprint256).toBe(sm.sha256)
    const body = json(ok) as { data: Record<string, unknown>[]; httpStatusCode: number; traceId: string }
    expect(body).toMatchObject({ httpStatusCode: 200, traceId: expect.stringMatching(/^[0-9a-f]{32}$/) })
    expect(body.data).toEqual([host])
    expect(body.data[0]).toMatchObject({
      type: 'console',
      ipAddress: '203.0.113.7',
      owner: true,
      isBlocked: false,
      reportedState: { hardware: { shortname: 'UNVR' }, controllers: [{ name: 'protect', version: '7.3.12' }] },
    })

    for (const headers of [{ 'x-api-key': 'a-console-key-that-is-not-cloud' }, {}] as Record<string, string>[]) {
      const r = await call(sm.url, '/v1/hosts', { headers })
      expect(r.status).toBe(401)
      expect(json(r)).toEqual({
        code: 'UNAUTHORIZED',
        httpStatusCode: 401,
        message: 'unauthorized',
        traceId: expect.any(String),
      })
    }
    const missing = await call(sm.url, '/v1/nope', { headers: { 'x-api-key': CLOUD_KEY } })
    expect(missing.status).toBe(404)
    expect(json(missing)).toMatchObject({ code: 'NOT_FOUND', httpStatusCode: 404 })

    sm.apiKeys.delete(CLOUD_KEY) // revoked at runtime
    expect((await call(sm.url, '/v1/hosts', { headers: { 'x-api-key': CLOUD_KEY } })).status).toBe(401)
  })
})
