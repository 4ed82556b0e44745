// The sandboxed preload: defines exactly one object in the page, `window.cgvirt` (invoke, on, openConsole), and gives
// it nothing of ipcRenderer. `installPageApi` runs in the page's world (see bridge.ts for why), with only the
// preload's functions as its argument: they cross contextBridge as proxies, everything else is copied.
import { contextBridge, ipcRenderer } from 'electron';
import { createBridgeApi, installPageApi, type IsolatedBridge } from './bridge';

const api = createBridgeApi(ipcRenderer);
// A fresh object literal: only these three functions cross the bridge.
const bridge: IsolatedBridge = { invoke: api.invoke, on: api.on, openConsole: api.openConsole };
contextBridge.executeInMainWorld({ func: installPageApi, args: [bridge] });
