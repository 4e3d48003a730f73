import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CONTENT_SECURITY_POLICY } from '../../shared/csp.ts'

const directives = (policy: string) =>
  new Map(
    policy
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name!, values.join(' ')]),
  )

describe('Content Security Policy', () => {
  const csp = directives(CONTENT_SECURITY_POLICY)

  it('allows no remote content, inline script, inline style or eval', () => {
    expect(csp.get('default-src')).toBe("'none'")
    expect(csp.get('script-src')).toBe("'self'")
    expect(csp.get('style-src')).toBe("'self'")
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-|https?:|\*/)
    expect(csp.get('connect-src')).toBe("'self'")
  })

  it('the meta tag Electron loads from disk says the same (frame-ancestors is header-only)', () => {
    const html = readFileSync(join(import.meta.dirname, '../../renderer/index.html'), 'utf8')
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1]
    expect(meta).toBeDefined()
    const fromMeta = directives(meta!)
    const expected = new Map(csp)
    expected.delete('frame-ancestors')
    expect(fromMeta).toEqual(expected)
  })
})
