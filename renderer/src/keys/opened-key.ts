// Which key the detail pane shows. The list opens on one key with `#/keys&key=<id>` (the
// Overview's fix button, the tray): the filter is cleared and that key's detail opens with its
// heading focused; otherwise the Keys heading takes focus. A key that leaves the list closes it.
import { useCallback, useEffect, useState, type RefObject } from 'react'
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
  // Bumped when the detail heading should take focus (after it renders).
  const [focusDetail, setFocusDetail] = useState(0)

  useEffect(() => {
    headingRef.current?.focus()
    if (hashParam('key')) setFilter('')
    const follow = () => {
      const id = hashParam('key')
      if (id) setFilter('')
      setWanted(id)
    }
    window.addEventListener('hashchange', follow)
    return () => window.removeEventListener('hashchange', follow)
  }, [headingRef, setFilter])

  // The key the address asked for, once the list is loaded (state adjusted while rendering).
  if (wanted && loaded) {
    setWanted(null)
    if (keys.some((k) => k.id === wanted)) {
      setOpenId(wanted)
      setFocusDetail((n) => n + 1)
    }
  }

  useEffect(() => {
    if (focusDetail === 0) return
    detailRef.current?.scrollIntoView({ block: 'nearest' })
    detailRef.current?.focus()
  }, [focusDetail, detailRef])

  const open = useCallback((id: string) => {
    setOpenId(id)
    setFocusDetail((n) => n + 1)
  }, [])
  const close = useCallback(() => {
    const id = openId
    setOpenId(null)
    // Back to the key in the list (one Tab stop: it becomes the list's).
    if (id) {
      requestAnimationFrame(() =>
        document.querySelector<HTMLElement>(`[role="option"][data-key-id="${CSS.escape(id)}"]`)?.focus(),
      )
    }
  }, [openId])
  // The open key left the list (revoked, forgotten): the pane closes.
  const present = openId !== null && keys.some((k) => k.id === openId)
  return { openId: present ? openId : null, open, close }
}
