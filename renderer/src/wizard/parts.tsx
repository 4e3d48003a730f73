// Small building blocks shared by the wizard's screens.
import { useEffect, useRef, type ReactNode } from 'react'
import type { KeywardError } from '../../../shared/result.ts'
import { fingerprintLines } from '../format.ts'

/** A screen's heading; it takes focus when the screen appears, so keyboard and screen-reader users land on it. */
export function ScreenHeading({ id, children }: { id: string; children: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null)
  useEffect(() => {
    ref.current?.focus()
  }, [])
  return (
    <h2 id={id} ref={ref} tabIndex={-1} className="screen-heading">
      {children}
    </h2>
  )
}

export function Screen({
  id,
  title,
  tone,
  children,
}: {
  id: string
  title: ReactNode
  tone?: 'danger'
  children: ReactNode
}) {
  return (
    <section className={`screen${tone ? ` screen-${tone}` : ''}`} aria-labelledby={`${id}-heading`} data-screen={id}>
      <ScreenHeading id={`${id}-heading`}>{title}</ScreenHeading>
      {children}
    </section>
  )
}

/** A boxed message. `alert` ones are announced at once; the others politely. */
export function Callout({
  tone,
  title,
  children,
  alert,
  label,
}: {
  tone: 'info' | 'warn' | 'danger' | 'ok'
  title?: ReactNode
  children?: ReactNode
  alert?: boolean
  label?: string
}) {
  return (
    <div className={`callout callout-${tone}`} role={alert ? 'alert' : label ? 'note' : undefined} aria-label={label}>
      {title && <p className="callout-title">{title}</p>}
      {children}
    </div>
  )
}

export function ErrorCallout({
  error,
  title,
  children,
}: {
  error: KeywardError
  title?: string
  children?: ReactNode
}) {
  return (
    <Callout tone="danger" alert title={title}>
      <p>{error.message}</p>
      {error.detail && <p className="detail">Details: {error.detail}</p>}
      {children}
    </Callout>
  )
}

export function Fingerprint({ sha256, testId }: { sha256: string; testId?: string }) {
  const [a, b] = fingerprintLines(sha256)
  return (
    <span className="fingerprint" data-testid={testId} role="img" aria-label={`Certificate fingerprint ${sha256}`}>
      <span aria-hidden="true">{a}</span>
      <span aria-hidden="true">{b}</span>
    </span>
  )
}

export function Actions({ children }: { children: ReactNode }) {
  return <div className="actions">{children}</div>
}

/** Text for assistive technology only. */
export function VisuallyHidden({ children }: { children: ReactNode }) {
  return <span className="visually-hidden">{children}</span>
}
