// keys.* and tray.model: the key list, background checks and what the user does with a key.
import type { Handlers } from '../dispatch.ts'
import type { KeyActions } from '../keys/actions.ts'
import type { createUsageReader } from '../keys/usage.ts'
import type { KeyWatch } from '../keys/watch.ts'
import { cleanupOutcomeView, keyViews } from '../views.ts'

type UsageReader = ReturnType<typeof createUsageReader>
type KeyRequests = Extract<keyof Handlers, `keys.${string}`> | 'tray.model'

export function keyHandlers(deps: {
  keys: KeyWatch
  actions: KeyActions
  usage: Pick<UsageReader, 'refresh'>
}): Pick<Handlers, KeyRequests> {
  const { keys, actions, usage } = deps
  return {
    'keys.list': () => keyViews(keys.list()),
    'keys.check': async ({ ids }) => keyViews(await keys.checkNow(ids)),
    'keys.usage': async ({ force }) => {
      await usage.refresh(force ?? false)
      return keyViews(keys.list())
    },
    'keys.viewing': ({ open }) => {
      keys.setKeyListOpen(open)
      if (open) void usage.refresh() // the list's "last used" column; throttled per console
      return null
    },
    'keys.pause': ({ id, paused }) => keyViews(keys.setPaused(id, paused)),
    'keys.forget': async ({ id }) => keyViews(await keys.forget(id)),
    'keys.copy': ({ id }) => actions.copy(id),
    'keys.copyPassword': ({ id }) => actions.copyPassword(id),
    'keys.reveal': ({ id }) => actions.reveal(id),
    'keys.rotate': async ({ id }) => {
      const rotated = await actions.rotate(id)
      return { keys: keyViews(rotated.keys), oldKeyStillActive: rotated.oldKeyStillActive }
    },
    'keys.revoke': async ({ id, deleteUser }) => {
      const revoked = await actions.revoke(id, deleteUser ?? false)
      return { keys: keyViews(revoked.keys), user: revoked.user ? cleanupOutcomeView(revoked.user) : null }
    },
    'tray.model': () => keys.tray(),
    'keys.schedule': () => keys.schedule(),
  }
}
