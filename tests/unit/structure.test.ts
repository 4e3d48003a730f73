// Issue 16's size limits for product code (electron/, shared/, renderer/src/): no file over 400 lines, no
// function over 80, except where docs/architecture.md names the exception and why ("Size exceptions").
// The exceptions are a ratchet: one may shrink or go, never grow, and a listed one that no longer exceeds
// its limit must leave the list, so the list stays true.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const ROOT = join(import.meta.dirname, '../..')
const MAX_FILE_LINES = 400
const MAX_FUNCTION_LINES = 80

function productFiles(): string[] {
  const files: string[] = []
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name)
      if (statSync(path).isDirectory()) walk(path)
      else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) files.push(path)
    }
  }
  for (const dir of ['electron', 'shared', 'renderer/src']) walk(join(ROOT, dir))
  return files
}

/** A function's name as a reader finds it: its own, its variable's or property's, else "<anonymous> in" its outer one. */
function nameOf(node: ts.Node): string {
  const own = (node as ts.FunctionDeclaration).name
  if (own) return own.getText()
  const parent = node.parent
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent))
    return parent.name.getText()
  for (let up: ts.Node | undefined = parent; up; up = up.parent) {
    if (ts.isFunctionLike(up)) return `<anonymous> in ${nameOf(up)}`
  }
  return '<anonymous>'
}

/** Every size over the limits: `path` → lines for files, `path:function` → lines for functions. */
function measure(): Map<string, number> {
  const over = new Map<string, number>()
  for (const file of productFiles()) {
    const text = readFileSync(file, 'utf8')
    const rel = relative(ROOT, file)
    const lines = text.split('\n').length
    if (lines > MAX_FILE_LINES) over.set(rel, lines)
    const source = ts.createSourceFile(
      file,
      text,
      ts.ScriptTarget.Latest,
      true,
      file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
    )
    const visit = (node: ts.Node): void => {
      if (
        ts.isFunctionDeclaration(node) ||
        ts.isArrowFunction(node) ||
        ts.isFunctionExpression(node) ||
        ts.isMethodDeclaration(node)
      ) {
        const start = source.getLineAndCharacterOfPosition(node.getStart()).line
        const end = source.getLineAndCharacterOfPosition(node.getEnd()).line
        const length = end - start + 1
        const key = `${rel}:${nameOf(node)}`
        if (length > MAX_FUNCTION_LINES) over.set(key, Math.max(length, over.get(key) ?? 0))
      }
      ts.forEachChild(node, visit)
    }
    visit(source)
  }
  return over
}

/** The "Size exceptions" table of docs/architecture.md: | `what` | lines | why |. */
function exceptions(): Map<string, { lines: number; why: string }> {
  const doc = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8')
  const section = doc.split(/^## Size exceptions$/m)[1]?.split(/^## /m)[0] ?? ''
  const listed = new Map<string, { lines: number; why: string }>()
  for (const m of section.matchAll(/^\| `([^`]+)` \| (\d+) \| (.+) \|$/gm))
    listed.set(m[1]!, { lines: Number(m[2]), why: m[3]!.trim() })
  return listed
}

describe('product code sizes (issue 16)', () => {
  const over = measure()
  const listed = exceptions()

  it('every file over 400 lines and every function over 80 is a named exception, with a reason', () => {
    const unexplained = [...over]
      .filter(([what]) => !listed.has(what))
      .map(([what, lines]) => `${what} (${lines} lines)`)
    expect(unexplained).toEqual([])
    for (const [what, { why }] of listed) expect(why.length, what).toBeGreaterThan(10)
  })

  it('no exception grows past its listed size, and none is listed that no longer needs to be', () => {
    const grown = [...listed]
      .filter(([what, { lines }]) => (over.get(what) ?? 0) > lines)
      .map(([what, { lines }]) => `${what}: ${over.get(what)} > ${lines}`)
    expect(grown).toEqual([])
    const stale = [...listed.keys()].filter((what) => !over.has(what))
    expect(stale).toEqual([])
  })
})
