// The UISP key against the simulator on loopback: read it from the server
// (admin scope), check that devices could reach the server with it under each
// certificate option (uisp.md §4, §6), notice a regenerated key, and build the
// registration commands from it (§5). Also the simulator's CLI ready line.
import { spawn } from 'node:child_process'
import { createServer as createHttpServer } from 'node:http'
import { createServer as createTcpServer, type AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import {
  checkUispKey,
  createUispToken,
  fetchUispKey,
  maskUispKey,
  registrationCommands,
  UispSession,
  UispTokenCaller,
  UISP_KEY_PLACEHOLDER,
} from '../../electron/core/uisp/index.ts'
import { newAesKey } from '../simulators/uisp/state.ts'
import {
  failureOf,
  startUisp,
  uispSession,
  uispTarget,
  UISP_OPERATOR,
  UISP_VIEWER,
} from '../simulators/uisp/testing.ts'

const MAIN = fileURLToPath(new URL('../simulators/uisp/main.ts', import.meta.url))

/** The simulator's key with another certificate option (the server is the same). */
const withOption = (key: string, option: string | null) => key.replace(/\+allow\w+$/, '') + (option ? `+${option}` : '')

async function closedPort(): Promise<number> {
  const server = createTcpServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

describe('reading the UISP key', () => {
  it.each(['raw', 'json'] as const)(
    'reads and parses the key the server hands out (%s body)',
    async (connectionFormat) => {
      const sim = await startUisp({ connectionFormat })
      const key = await fetchUispKey(await uispSession(sim))
      expect(key).toMatchObject({
        host: '127.0.0.1',
        hostKind: 'ipv4',
        port: sim.port,
        option: 'allowSelfSignedCertificate',
        certificate: 'allow-self-signed',
        warnings: [],
      })
      expect(key.text).toBe(sim.connectionKey())
      expect(key.aesKey).toHaveLength(48)
    },
  )

  it('needs admin scope: a guest session or token is refused', async () => {
    const sim = await startUisp()
    expect(await failureOf(fetchUispKey(await uispSession(sim, UISP_VIEWER)))).toMatchObject({
      code: 'forbidden',
      message: expect.stringMatching(/only to admin scope/),
    })
    const guest = await createUispToken(await uispSession(sim), { name: 'guest', scope: 'guest' })
    const error = await failureOf(fetchUispKey(new UispTokenCaller(uispTarget(sim), guest.token)))
    expect(error.code).toBe('forbidden')
    const admin = await createUispToken(await uispSession(sim), { name: 'admin', scope: 'admin' })
    expect((await fetchUispKey(new UispTokenCaller(uispTarget(sim), admin.token))).text).toBe(sim.connectionKey())
  })

  it('refuses a key the server sends broken, without echoing it', async () => {
    const sim = await startUisp({ aesKey: 'shortAESkey' })
    const error = await failureOf(fetchUispKey(await uispSession(sim)))
    expect(error).toMatchObject({ code: 'bad-reply', detail: 'aes-wrong-length' })
    expect(error.message).not.toContain('shortAESkey')
  })
})

describe('checking that devices could reach the server with the key', () => {
  it('accepts a self-signed server under +allowSelfSignedCertificate, and compares with the server key', async () => {
    const sim = await startUisp()
    const key = await fetchUispKey(await uispSession(sim))
    expect(await checkUispKey(key, { pin: sim.sha256, serverKey: key })).toMatchObject({
      status: 'ok',
      host: `127.0.0.1:${sim.port}`,
      appVersion: '2.4.155',
      trust: 'self-signed-allowed',
      matchesServer: true,
      certificate: { sha256: sim.sha256, selfSigned: true },
    })
  })

  it('still works when the server hides its version without a token', async () => {
    const sim = await startUisp({ versionNeedsAuth: true })
    expect(await checkUispKey(sim.connectionKey())).toMatchObject({
      status: 'ok',
      appVersion: null,
      trust: 'self-signed-allowed',
    })
  })

  it('accepts any certificate under +allowUntrustedCertificate', async () => {
    const sim = await startUisp({ keyOption: 'allowUntrustedCertificate' })
    const key = await fetchUispKey(await uispSession(sim))
    expect(key.option).toBe('allowUntrustedCertificate')
    expect(await checkUispKey(key.text)).toMatchObject({
      status: 'ok',
      trust: 'untrusted-allowed',
      matchesServer: null,
    })
  })

  it('refuses a self-signed server for a key without a certificate option', async () => {
    const sim = await startUisp({ keyOption: null })
    const key = await fetchUispKey(await uispSession(sim))
    expect(key.option).toBeNull()
    expect(await checkUispKey(key)).toMatchObject({
      status: 'failed',
      problem: 'certificate_untrusted',
      message: expect.stringMatching(/self-signed certificate, but the key has no \+allowSelfSignedCertificate/),
      certificate: { selfSigned: true },
    })
  })

  it('judges a certificate from an authority by whether this computer trusts it, per option', async () => {
    const sim = await startUisp({ certificate: 'ca-issued', keyOption: null })
    const text = sim.connectionKey()
    const ca = sim.caPem!
    expect(ca).toMatch(/BEGIN CERTIFICATE/)
    expect(await checkUispKey(text, { ca })).toMatchObject({
      status: 'ok',
      trust: 'verified',
      certificate: { selfSigned: false },
    })
    expect(await checkUispKey(text)).toMatchObject({
      status: 'failed',
      problem: 'certificate_untrusted',
      message: expect.stringMatching(/not trusted/),
    })
    expect(await checkUispKey(withOption(text, 'allowSelfSignedCertificate'))).toMatchObject({
      status: 'failed',
      problem: 'certificate_untrusted',
      message: expect.stringMatching(/unknown authority/),
      nextStep: expect.stringMatching(/allowUntrustedCertificate/),
    })
    expect(await checkUispKey(withOption(text, 'allowSelfSignedCertificate'), { ca })).toMatchObject({
      status: 'ok',
      trust: 'verified',
    })
    expect(await checkUispKey(withOption(text, 'allowUntrustedCertificate'))).toMatchObject({
      status: 'ok',
      trust: 'untrusted-allowed',
    })
  })

  it('stops at a certificate other than the trusted one', async () => {
    const sim = await startUisp()
    const trusted = sim.sha256
    await sim.replaceCertificate()
    expect(await checkUispKey(sim.connectionKey(), { pin: trusted })).toMatchObject({
      status: 'failed',
      problem: 'tls_pin_mismatch',
    })
    expect(sim.requests.filter((r) => r.includes('/nms/version'))).toEqual([])
  })

  it('notices that the server now hands out a different key', async () => {
    const sim = await startUisp()
    const session = await uispSession(sim)
    const old = await fetchUispKey(session)
    sim.state.config.aesKey = newAesKey()
    const current = await fetchUispKey(session)
    expect(await checkUispKey(old, { serverKey: current })).toMatchObject({ status: 'failed', problem: 'key_outdated' })
    expect(await checkUispKey(current, { serverKey: current })).toMatchObject({ status: 'ok', matchesServer: true })
  })

  it('explains an unreachable port, a port without TLS, and a host that is not UISP', async () => {
    const aes = newAesKey()
    const port = await closedPort()
    expect(
      await checkUispKey(`wss://127.0.0.1:${port}+${aes}+allowSelfSignedCertificate`, { timeoutMs: 2000 }),
    ).toMatchObject({ status: 'failed', problem: 'unreachable', host: `127.0.0.1:${port}` })

    const plain = createHttpServer((_req, res) => res.end('plain http'))
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve))
    try {
      const plainPort = (plain.address() as AddressInfo).port
      expect(
        await checkUispKey(`wss://127.0.0.1:${plainPort}+${aes}+allowUntrustedCertificate`, { timeoutMs: 2000 }),
      ).toMatchObject({ status: 'failed', problem: 'tls' })
    } finally {
      plain.closeAllConnections()
      await new Promise<void>((resolve) => plain.close(() => resolve()))
    }

    const device = await startUisp({ mode: 'device' })
    expect(await checkUispKey(`wss://127.0.0.1:${device.port}+${aes}+allowSelfSignedCertificate`)).toMatchObject({
      status: 'failed',
      problem: 'not_uisp',
    })
  })

  it('reports an invalid key as a value, never throwing', async () => {
    const result = await checkUispKey('wss://127.0.0.1:443+tooShort')
    expect(result).toMatchObject({ status: 'failed', problem: 'invalid_key', host: null })
    expect(result.status === 'failed' && result.message).not.toContain('tooShort')
  })
})

describe('registration commands from the server key', () => {
  it('puts the key only into the copy variant', async () => {
    const sim = await startUisp()
    const key = await fetchUispKey(await uispSession(sim))
    for (const kind of ['edgeos', 'airos', 'ubios'] as const) {
      const copy = registrationCommands({ kind }, key, 'copy')
      const display = registrationCommands({ kind }, key, 'display')
      expect(copy.ok && copy.commands.text).toContain(sim.connectionKey())
      expect(display.ok && display.commands.text).toContain(UISP_KEY_PLACEHOLDER)
      expect(display.ok && display.commands.text).not.toContain(key.aesKey)
    }
    const edge = registrationCommands({ kind: 'edgeos' }, key, 'copy')
    expect(edge.ok && edge.commands.lines).toContain(`set service unms connection '${sim.connectionKey()}'`)
    expect(maskUispKey(key.text)).toBe(`wss://••••••:${sim.port}+••••••+allowSelfSignedCertificate`)
  })
})

describe('the simulator CLI', () => {
  it('prints one JSON ready line and stops on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        MAIN,
        '--host',
        '127.0.0.1',
        '--port',
        '0',
        '--two-factor',
        '--token-lifetime',
        '3600',
        '--key-option',
        'untrusted',
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = ''
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          out += chunk
          if (out.includes('\n')) resolve(out.split('\n')[0]!)
        })
        child.once('exit', (code) => reject(new Error(`exited ${code}`)))
      })
      const ready = JSON.parse(line) as {
        ready: boolean
        url: string
        port: number
        sha256: string
        mode: string
        totpSecret: string
        users: Record<string, string>
      }
      expect(ready).toMatchObject({
        ready: true,
        mode: 'server',
        url: `https://127.0.0.1:${ready.port}`,
        totpSecret: expect.any(String),
        users: { superadmin: 'uisp-admin' },
      })
      const target = { host: '127.0.0.1', port: ready.port, pin: ready.sha256, label: 'CLI UISP' }
      const session = new UispSession(target)
      expect((await session.login(UISP_OPERATOR)).state).toBe('signed-in')
      const key = await fetchUispKey(session)
      expect(key).toMatchObject({ port: ready.port, option: 'allowUntrustedCertificate' })
      expect(await checkUispKey(key, { pin: target.pin })).toMatchObject({ status: 'ok' })
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      expect(await exited).toBe(0)
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL')
    }
  })
})
