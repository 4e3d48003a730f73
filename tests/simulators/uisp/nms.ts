// Server-level routes (uisp.md §2–§4):
//   GET /nms/version     {version, deployment, build, time}, no auth ([inferred] §3; UNMS marks it auth:false);
//                        `versionNeedsAuth` makes it need a token (the swagger's global security, §8 open question)
//   GET /nms/heartbeat   {result, message}, no auth (UNMS nms/plugin.js)
//   GET /nms/connection  the UISP key as a plain string, admin scope [source]
//   GET /devices         a small device list (shape [inferred]; clients only count it), guest scope [inferred]
import { sendJson, type Route } from './http.ts'
import { connectionString } from './state.ts'

export interface VersionInfo {
  version: string
  deployment: string
  build: string
  time: string
}

export const DEFAULT_DEVICES = [
  {
    identification: {
      id: 'd1a2b3c4-0000-4000-8000-000000000001',
      name: 'Rooftop AP',
      model: 'LAP-GPS',
      type: 'airMax',
      role: 'ap',
      mac: '68:D7:9A:00:00:01',
    },
    overview: { status: 'active' },
  },
  {
    identification: {
      id: 'd1a2b3c4-0000-4000-8000-000000000002',
      name: 'Core router',
      model: 'ER-X',
      type: 'erouter',
      role: 'router',
      mac: '68:D7:9A:00:00:02',
    },
    overview: { status: 'active' },
  },
  {
    identification: {
      id: 'd1a2b3c4-0000-4000-8000-000000000003',
      name: 'Client CPE',
      model: 'LBE-5AC-Gen2',
      type: 'airMax',
      role: 'station',
      mac: '68:D7:9A:00:00:03',
    },
    overview: { status: 'disconnected' },
  },
]

export function nmsRoutes(version: VersionInfo, versionNeedsAuth = false): Route[] {
  return [
    {
      method: 'GET',
      path: '/nms/version',
      auth: versionNeedsAuth ? 'guest' : false,
      handler: ({ res }) => sendJson(res, 200, version),
    },
    {
      method: 'GET',
      path: '/nms/heartbeat',
      auth: false,
      handler: ({ res }) => sendJson(res, 200, { result: true, message: "I'm alive" }),
    },
    {
      method: 'GET',
      path: '/nms/connection',
      auth: 'admin',
      handler({ res, state }) {
        const key = connectionString(state)
        if (state.config.connectionFormat === 'json') return sendJson(res, 200, key)
        // hapi sends a handler's string as text/html (UNMS: `reply(connectionString())`) [inferred].
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(key) })
        res.end(key)
      },
    },
    {
      method: 'GET',
      path: '/devices',
      auth: 'guest',
      handler: ({ res, state }) => sendJson(res, 200, state.config.devices),
    },
  ]
}
