/* Starts the embedded page once every script before it has registered its routes (app.html). */
window.CreatorROI.start();
