// A TCP relay in front of a simulated console, so a test can take the console
// "off the network" (connections refused) and bring it back with the same
// certificate — as a console that reboots or loses its link does.
import net from 'node:net'

export interface Outage {
  port: number
  down(): Promise<void>
  up(): Promise<void>
  close(): Promise<void>
}

export async function relay(targetPort: number, host = '127.0.0.1'): Promise<Outage> {
  const sockets = new Set<net.Socket>()
  let server: net.Server | null = null
  let port = 0
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server = net.createServer((client) => {
        const upstream = net.connect(targetPort, host)
        for (const s of [client, upstream]) {
          sockets.add(s)
          s.once('close', () => sockets.delete(s))
          s.on('error', () => {
            client.destroy()
            upstream.destroy()
          })
        }
        client.pipe(upstream).pipe(client)
      })
      server.once('error', reject)
      server.listen(port, host, () => {
        port = (server!.address() as net.AddressInfo).port
        resolve()
      })
    })
  const down = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy()
      if (!server) return resolve()
      server.close(() => resolve())
      server = null
    })
  await listen()
  return {
    get port() {
      return port
    },
    down,
    up: listen,
    close: down,
  }
}
