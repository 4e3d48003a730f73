// `npm run bench`: every performance figure in one JSON document on stdout.
// Progress goes to stderr so the JSON stays clean.
import { benchKeySweep } from './keys.ts'

const report: Record<string, unknown> = { node: process.version, at: new Date().toISOString() }
console.error('bench: key sweep (200 keys, 20 consoles)…')
report.keySweep = await benchKeySweep()
console.log(JSON.stringify(report, null, 2))
process.exit(0)
