// Playwright globalTeardown: after the whole e2e suite, every secret any test
// created is looked for in everything any test left behind (see
// tests/support/leak-scan.ts). One hit fails the run, naming file and line.
import { existsSync } from 'node:fs'
import { relative } from 'node:path'
import { describeHits, scanForLeaks } from '../support/leak-scan.ts'
import { LEAK_DIR } from './leak-record.ts'

export default function leakScan(): void {
  if (!existsSync(LEAK_DIR)) {
    console.log('secret-leak scan: no e2e test ran, nothing to scan')
    return
  }
  const { hits, files, secrets } = scanForLeaks(LEAK_DIR)
  const where = relative(process.cwd(), LEAK_DIR)
  if (hits.length > 0) {
    throw new Error(
      `secret-leak scan: ${hits.length} secret(s) found in ${where} (${files} files, ${secrets} secrets):\n${describeHits(hits)}`,
    )
  }
  console.log(`secret-leak scan: ${secrets} secrets, ${files} files in ${where}: no leak`)
}
