/* devstore's stand-in for App Bridge (https://cdn.shopify.com/shopifycloud/app-bridge.js).
   Implements the part apps rely on: `shopify.idToken()` returns a fresh session token, asked
   of the admin frame over postMessage, and same-origin fetch() calls get it as a Bearer header. */
(function () {
  "use strict";
  var pending = {}, seq = 0;
  window.addEventListener("message", function (event) {
    var data = event.data || {};
    if (data.type === "devstore:id-token:reply" && pending[data.id]) {
      pending[data.id](data.token);
      delete pending[data.id];
    }
  });
  function idToken() {
    if (window.parent === window) { return Promise.reject(new Error("not embedded in the admin")); }
    return new Promise(function (resolve, reject) {
      var id = ++seq;
      pending[id] = resolve;
      window.parent.postMessage({ type: "devstore:id-token", id: id }, "*");
      setTimeout(function () { if (pending[id]) { delete pending[id]; reject(new Error("no token")); } }, 5000);
    });
  }
  var meta = document.querySelector('meta[name="shopify-api-key"]');
  window.shopify = { idToken: idToken, config: { apiKey: meta ? meta.content : "" }, devstore: true };
  var nativeFetch = window.fetch.bind(window);
  window.fetch = async function (input, init) {
    var url = new URL(typeof input === "string" ? input : input.url, location.href);
    init = init || {};
    var headers = new Headers(init.headers || {});
    if (url.origin === location.origin && !headers.has("Authorization")) {
      try { headers.set("Authorization", "Bearer " + (await idToken())); } catch (e) { /* leave as is */ }
    }
    init.headers = headers;
    return nativeFetch(input, init);
  };
})();
