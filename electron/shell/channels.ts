// IPC channel names, shared by the preload and the main-process wiring.
// One invoke channel carries every request; the core's dispatcher validates
// the request name and input, so there is a single gate.
export const INVOKE_CHANNEL = 'keyward:invoke'
export const EVENT_CHANNEL_PREFIX = 'keyward:event:'
