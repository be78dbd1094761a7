/** The lectures' models by name. */
export * from './classic.js';
