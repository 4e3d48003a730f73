#!/usr/bin/env node
// Renders Keyward's icons (a key over a rounded square) to PNG with no image
// library: a signed-distance shape, 4×4 supersampled, written with zlib.
// Run after changing the shape; the PNGs in resources/ are committed.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { deflateSync } from 'node:zlib'

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})
const crc32 = (buf) => {
  let c = 0xffffffff
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}
const chunk = (type, data) => {
  const out = Buffer.alloc(12 + data.length)
  out.writeUInt32BE(data.length, 0)
  out.write(type, 4, 'ascii')
  data.copy(out, 8)
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length)
  return out
}
function png(size, pixel) {
  const raw = Buffer.alloc(size * (size * 4 + 1))
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0
    for (let x = 0; x < size; x++) {
      const acc = [0, 0, 0, 0]
      for (let sy = 0; sy < 4; sy++)
        for (let sx = 0; sx < 4; sx++) {
          const [r, g, b, a] = pixel((x + (sx + 0.5) / 4) / size, (y + (sy + 0.5) / 4) / size)
          acc[0] += r * a
          acc[1] += g * a
          acc[2] += b * a
          acc[3] += a
        }
      const o = y * (size * 4 + 1) + 1 + x * 4
      const a = acc[3] / 16
      raw[o] = a ? Math.round(acc[0] / acc[3]) : 0
      raw[o + 1] = a ? Math.round(acc[1] / acc[3]) : 0
      raw[o + 2] = a ? Math.round(acc[2] / acc[3]) : 0
      raw[o + 3] = Math.round(a * 255)
    }
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(size, 0)
  ihdr.writeUInt32BE(size, 4)
  ihdr[8] = 8
  ihdr[9] = 6
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

// The key: a ring (bow) at upper left and a shaft with two teeth, diagonal.
function isKey(x, y) {
  const cx = 0.36,
    cy = 0.36
  const d = Math.hypot(x - cx, y - cy)
  if (d < 0.2 && d > 0.09) return true
  // rotate into the shaft's frame (45°)
  const u = (x - cx + (y - cy)) / Math.SQRT2,
    v = (y - cy - (x - cx)) / Math.SQRT2
  if (u > 0.17 && u < 0.56 && Math.abs(v) < 0.045) return true
  if (v > 0 && v < 0.13 && ((u > 0.42 && u < 0.48) || (u > 0.51 && u < 0.56))) return true
  return false
}
const roundedSquare = (x, y, r = 0.2) => {
  const dx = Math.max(Math.abs(x - 0.5) - (0.5 - r), 0),
    dy = Math.max(Math.abs(y - 0.5) - (0.5 - r), 0)
  return Math.hypot(dx, dy) < r
}

const out = join(import.meta.dirname, '..', 'resources')
mkdirSync(join(out, 'tray'), { recursive: true })
// App icon: white key on blue.
writeFileSync(
  join(out, 'icon.png'),
  png(512, (x, y) => {
    const pad = (v) => (v - 0.06) / 0.88
    if (!roundedSquare(pad(x), pad(y)) || pad(x) < 0 || pad(x) > 1 || pad(y) < 0 || pad(y) > 1) return [0, 0, 0, 0]
    return isKey(pad(x), pad(y)) ? [255, 255, 255, 1] : [10, 95, 216, 1]
  }),
)
// Tray: the key alone; state variants add a status dot (ok has none).
//   Linux: <state>.png (+ @2x/@3x);  macOS: <state>Template.png, black + alpha,
//   the dot cut out as a ring so it survives template tinting;  Windows: <state>.ico.
const trayStates = { ok: null, attention: [240, 160, 20], error: [220, 50, 40] }
const sizes = [
  ['', 16],
  ['@2x', 32],
  ['@3x', 48],
]
function ico(images) {
  // ICO container holding PNG images (supported since Windows Vista).
  const header = Buffer.alloc(6 + 16 * images.length)
  header.writeUInt16LE(0, 0)
  header.writeUInt16LE(1, 2)
  header.writeUInt16LE(images.length, 4)
  let offset = header.length
  images.forEach(([size, data], i) => {
    const e = 6 + 16 * i
    header[e] = size >= 256 ? 0 : size
    header[e + 1] = size >= 256 ? 0 : size
    header.writeUInt16LE(1, e + 4)
    header.writeUInt16LE(32, e + 6)
    header.writeUInt32LE(data.length, e + 8)
    header.writeUInt32LE(offset, e + 12)
    offset += data.length
  })
  return Buffer.concat([header, ...images.map(([, d]) => d)])
}
for (const [state, dot] of Object.entries(trayStates)) {
  const onDot = (x, y) => dot && Math.hypot(x - 0.78, y - 0.78) < 0.2
  const colour = (x, y) => (onDot(x, y) ? [...dot, 1] : isKey(x, y) ? [40, 40, 40, 1] : [0, 0, 0, 0])
  const template = (x, y) => {
    const d = dot ? Math.hypot(x - 0.78, y - 0.78) : 1
    if (dot && d < 0.2) return d < 0.12 ? [0, 0, 0, 1] : [0, 0, 0, 0]
    return isKey(x, y) ? [0, 0, 0, 1] : [0, 0, 0, 0]
  }
  const pngs = []
  for (const [suffix, size] of sizes) {
    const data = png(size, colour)
    pngs.push([size, data])
    writeFileSync(join(out, 'tray', `${state}${suffix}.png`), data)
    writeFileSync(join(out, 'tray', `${state}Template${suffix}.png`), png(size, template))
  }
  writeFileSync(join(out, 'tray', `${state}.ico`), ico([...pngs, [256, png(256, colour)]]))
}
writeFileSync(
  join(out, 'icon.ico'),
  ico(
    [16, 32, 48, 256].map((size) => [
      size,
      png(size, (x, y) => {
        const pad = (v) => (v - 0.06) / 0.88
        if (!roundedSquare(pad(x), pad(y)) || pad(x) < 0 || pad(x) > 1 || pad(y) < 0 || pad(y) > 1) return [0, 0, 0, 0]
        return isKey(pad(x), pad(y)) ? [255, 255, 255, 1] : [10, 95, 216, 1]
      }),
    ]),
  ),
)
console.log('icons written to', out)
