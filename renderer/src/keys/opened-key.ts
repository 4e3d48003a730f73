// Which key the detail pane shows. The list opens on one key with `#/keys&key=<id>` (the
// Overview's fix button, the tray): the filter is cleared and that key's detail opens with its
// heading focused; otherwise the Keys heading takes focus. A key that leaves the list closes it.
import { useCallback, useEffect, useRef, useState, type RefObject } from 'react'
import type { KeyView } from '../../../shared/domain.ts'
import { hashParam } from '../route.ts'

export function useOpenedKey(
  headingRef: RefObject<HTMLHeadingElement | null>,
  detailRef: RefObject<HTMLHeadingElement | null>,
  keys: KeyView[],
  loaded: boolean,
  setFilter: (text: string) => void,
): { openId: string | null; open: (id: string) => void; close: () => void } {
  const [wanted, setWanted] = useState(() => hashParam('key'))
  const [openId, setOpenId] = useState<string | null>(null)
  const focusDetail = useRef(false)

  useEffect(() => {
    headingRef.current?.focus()
    const follow = () => setWanted(hashParam('key'))
    window.addEventListener('hashchange', follow)
    return () => window.removeEventListener('hashchange', follow)
  }, [headingRef])

  useEffect(() => {
    if (!wanted || !loaded) return
    setFilter('')
    if (keys.some((k) => k.id === wanted)) {
      focusDetail.current = true
      setOpenId(wanted)
    }
    setWanted(null)
  }, [wanted, loaded, keys, setFilter])

  // The open key left the list (revoked, forgotten): the pane closes.
  const present = openId !== null && keys.some((k) => k.id === openId)
  useEffect(() => {
    if (openId && loaded && !present) setOpenId(null)
  }, [openId, loaded, present])

  useEffect(() => {
    if (!openId || !focusDetail.current) return
    focusDetail.current = false
    detailRef.current?.scrollIntoView({ block: 'nearest' })
    detailRef.current?.focus()
  }, [openId, detailRef])

  const open = useCallback(
    (id: string) => {
      if (id === openId) return detailRef.current?.focus()
      focusDetail.current = true
      setOpenId(id)
    },
    [openId, detailRef],
  )
  const close = useCallback(() => {
    const id = openId
    setOpenId(null)
    // Back to the key in the list (one Tab stop: it becomes the list's).
    if (id) requestAnimationFrame(() => document.querySelector<HTMLElement>(`[role="option"][data-key-id="${CSS.escape(id)}"]`)?.focus())
  }, [openId])
  return { openId: present ? openId : null, open, close }
}
