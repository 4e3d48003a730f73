// A modal dialog on the native <dialog>: the rest of the page is inert while it
// is open, Tab cycles inside it, Esc closes it, and focus goes back to the
// control that opened it (or to `fallbackFocus` when that control is gone,
// e.g. the row of a key that was just revoked).
import { useEffect, useId, useRef, type KeyboardEvent, type ReactNode } from 'react'

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])'

function focusables(root: HTMLElement): HTMLElement[] {
  return Array.from(root.querySelectorAll<HTMLElement>(FOCUSABLE)).filter((el) => el.getClientRects().length > 0)
}

export interface DialogProps {
  title: ReactNode
  onClose: () => void
  /** What the dialog is about (read out with the title). */
  description?: ReactNode
  /** Its form or buttons. */
  children: ReactNode
  tone?: 'danger'
  /** Where focus goes when the opener no longer exists. */
  fallbackFocus?: () => HTMLElement | null
  testId?: string
}

export function Dialog({ title, onClose, description, children, tone, fallbackFocus, testId }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null)
  const ids = useId()
  const onCloseRef = useRef(onClose)
  const fallbackRef = useRef(fallbackFocus)
  useEffect(() => {
    onCloseRef.current = onClose
    fallbackRef.current = fallbackFocus
  })

  useEffect(() => {
    const dialog = ref.current
    if (!dialog) return
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null
    if (!dialog.open) dialog.showModal()
    const first = dialog.querySelector<HTMLElement>('[data-autofocus]') ?? focusables(dialog)[0]
    first?.focus()
    return () => {
      if (dialog.open) dialog.close()
      const target = opener?.isConnected ? opener : (fallbackRef.current?.() ?? null)
      target?.focus()
    }
  }, [])

  const onKeyDown = (event: KeyboardEvent<HTMLDialogElement>) => {
    if (event.key !== 'Tab' || !ref.current) return
    const items = focusables(ref.current)
    if (items.length === 0) return
    const first = items[0]!
    const last = items[items.length - 1]!
    if (event.shiftKey && (document.activeElement === first || !ref.current.contains(document.activeElement))) {
      event.preventDefault()
      last.focus()
    } else if (!event.shiftKey && (document.activeElement === last || !ref.current.contains(document.activeElement))) {
      event.preventDefault()
      first.focus()
    }
  }

  return (
    <dialog
      ref={ref}
      className={`dialog${tone ? ` dialog-${tone}` : ''}`}
      aria-labelledby={`${ids}-title`}
      aria-describedby={description ? `${ids}-description` : undefined}
      data-testid={testId}
      onKeyDown={onKeyDown}
      onCancel={(event) => {
        // Esc: React decides when the dialog goes away (it unmounts it).
        event.preventDefault()
        onCloseRef.current()
      }}
      onClose={() => onCloseRef.current()}
    >
      <h2 id={`${ids}-title`} className="dialog-title">
        {title}
      </h2>
      {description && (
        <div id={`${ids}-description`} className="dialog-description">
          {description}
        </div>
      )}
      {children}
    </dialog>
  )
}

/** A confirmation's two buttons: Cancel (focused first) and the destructive action, busy while it runs. */
export function ConfirmActions(props: {
  onCancel: () => void
  onConfirm: () => void
  working: boolean
  label: string
}) {
  return (
    <div className="actions dialog-actions">
      <button type="button" className="button secondary" data-autofocus onClick={props.onCancel}>
        Cancel
      </button>
      <button
        type="button"
        className="button destructive"
        aria-disabled={props.working || undefined}
        onClick={props.onConfirm}
      >
        {props.label}
      </button>
    </div>
  )
}
