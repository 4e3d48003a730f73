// The tray model is pure and shared with the renderer's Overview (one copy): shared/tray-model.ts.
export * from '../../../shared/tray-model.ts'
