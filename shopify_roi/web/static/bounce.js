/* The bounce page (bounce.html): App Bridge, a plain script in head, has run by now; if it did not
   start, say so instead of waiting forever. */
if (!(window.shopify && window.shopify.idToken)) { document.getElementById("bounce-failed").hidden = false; }
