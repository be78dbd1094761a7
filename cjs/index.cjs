// The CommonJS entry of backprop (`require('backprop')`): the library is ES modules, which
// Node loads through require() from 20.19 on. Older Node versions get a clear message.
'use strict';
try {
  module.exports = require('../dist/index.js');
} catch (e) {
  if (e && e.code === 'ERR_REQUIRE_ESM') {
    throw new Error(`backprop: require('backprop') needs Node.js 20.19 or later (this is ${process.version}); use import('backprop') instead`, { cause: e });
  }
  throw e;
}
