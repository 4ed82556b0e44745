// Vite's client types: lets the renderer import CSS files for their side effect (Vite bundles them).
/// <reference types="vite/client" />
