// The sandboxed preload: exposes exactly one object, `window.cgvirt` (invoke + on), and nothing of ipcRenderer.
import { contextBridge, ipcRenderer } from 'electron';
import { createBridgeApi } from './bridge';

const api = createBridgeApi(ipcRenderer);
// A fresh object literal: only these two functions cross the bridge.
contextBridge.exposeInMainWorld('cgvirt', { invoke: api.invoke, on: api.on });
