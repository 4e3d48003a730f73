// The inventory's card bookkeeping (card-table.ts): what the user sees as "one
// card per thing" depends on these rules: an address finds its card after a
// re-key or a merge, a removed card takes its addresses with it, and a full
// table makes room with a card nobody vouches for, never one typed in.
import { describe, expect, it } from 'vitest'
import type { Card } from '../../electron/core/discovery/card.ts'
import { CardTable, MAX_CARDS, type ChangeKind } from '../../electron/core/discovery/card-table.ts'

/** The table's operations, opened up for the test (the inventory is their only caller). */
class Table extends CardTable {
  add(id: string, now = 0): Card | undefined {
    return this.create(id, now)
  }
  address(card: Card, address: string): void {
    this.addAddress(card, address)
  }
  mac(card: Card, mac: string): void {
    this.addMac(card, mac)
  }
  merge(into: Card, from: Card): void {
    this.mergeInto(into, from)
  }
  drop(card: Card): void {
    this.remove(card)
  }
  see(card: Card, now: number): void {
    this.touch(card, now)
  }
  has(id: string): boolean {
    return this.cards.has(id)
  }
  byMacs(macs: string[]): Card | undefined {
    return this.findByMacs(macs)
  }
}

describe('CardTable', () => {
  it('re-keys a card found by address once it learns its MAC; the address still finds it', () => {
    const table = new Table()
    const card = table.add('addr:10.0.0.5:443')!
    table.address(card, '10.0.0.5')
    table.mac(card, '245A4CDD6616')
    expect(card.id).toBe('mac:245A4CDD6616')
    expect(table.idForAddress('10.0.0.5')).toBe('mac:245A4CDD6616')
    expect(table.byMacs(['245A4CDD6616'])).toBe(card)
    expect(table.size).toBe(1)
  })

  it('merges two cards of one thing: one card left, holding both addresses and MACs', () => {
    const changes: ChangeKind[] = []
    const table = new Table({ onChange: (k) => changes.push(k) })
    const a = table.add('mac:AAAAAAAAAAAA', 10)!
    table.mac(a, 'AAAAAAAAAAAA')
    table.address(a, '10.0.0.1')
    const b = table.add('addr:10.0.10.1:443', 5)!
    table.address(b, '10.0.10.1')
    table.merge(a, b)
    expect(table.size).toBe(1)
    expect(table.idForAddress('10.0.10.1')).toBe('mac:AAAAAAAAAAAA')
    expect([...a.addresses].sort()).toEqual(['10.0.0.1', '10.0.10.1'])
    expect(a.firstSeen).toBe(5)
    expect(changes).toContain('significant')
  })

  it('a removed card takes its addresses and MACs with it', () => {
    const table = new Table()
    const card = table.add('mac:BBBBBBBBBBBB')!
    table.mac(card, 'BBBBBBBBBBBB')
    table.address(card, '10.0.0.9')
    table.drop(card)
    expect(table.size).toBe(0)
    expect(table.idForAddress('10.0.0.9')).toBeNull()
    expect(table.byMacs(['BBBBBBBBBBBB'])).toBeUndefined()
  })

  it('when full, evicts the least recently seen card nobody vouches for, never a typed-in one', () => {
    let overflows = 0
    const table = new Table({ onOverflow: () => overflows++ })
    const typed = table.add('addr:typed', 0)!
    typed.manualAddress = '10.9.9.9'
    const oldest = table.add('mac:000000000001', 1)!
    table.add('mac:000000000002', 2)
    for (let i = 3; i < MAX_CARDS; i++) table.add(`mac:${i.toString(16).padStart(12, '0')}`, i)
    table.see(oldest, MAX_CARDS) // seen again: no longer the least recently seen
    expect(table.size).toBe(MAX_CARDS)
    expect(table.add('mac:FFFFFFFFFFFF', MAX_CARDS + 1)).toBeDefined()
    expect(overflows).toBe(1)
    expect(table.size).toBe(MAX_CARDS)
    expect(table.has('addr:typed')).toBe(true)
    expect(table.has('mac:000000000001')).toBe(true)
    expect(table.has('mac:000000000002')).toBe(false)
    expect(table.has('mac:FFFFFFFFFFFF')).toBe(true)
  })
})
