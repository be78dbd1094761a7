/** The lectures' models by name, and saving/loading whole models. */
export * from './classic.js';
export * from './persist.js';
export * from './cnn.js';
export * from './resnet.js';
export * from './seq.js';
export * from './char-rnn.js';
