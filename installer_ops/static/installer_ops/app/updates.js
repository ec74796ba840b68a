/* The app shell and its updates: registers the service worker, offers a
 * new release with a banner and switches only when the installer accepts
 * (docs/architecture.md, Sync protocol: App shell). */
(function () {
  "use strict";

  var updateBanner = document.getElementById("update-banner");

  function offerReload(worker) {
    updateBanner.hidden = false;
    updateBanner.querySelector("button").onclick = function () {
      worker.postMessage({ type: "SKIP_WAITING" });
    };
  }

  /* `onSync` runs when the worker's Background Sync asks an open page to sync. */
  function register(root, onSync) {
    if (!("serviceWorker" in navigator)) return;
    var reloading = false;
    navigator.serviceWorker.addEventListener("controllerchange", function () {
      if (reloading) return;
      // Only a release the installer accepted replaces a running page.
      if (updateBanner.dataset.accepted !== "yes") return;
      reloading = true;
      window.location.reload();
    });
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "SYNC") onSync();
    });
    navigator.serviceWorker.register(root.dataset.serviceWorker, { scope: root.dataset.scope }).then(function (registration) {
      if (registration.waiting && navigator.serviceWorker.controller) offerReload(registration.waiting);
      registration.addEventListener("updatefound", function () {
        var worker = registration.installing;
        worker.addEventListener("statechange", function () {
          if (worker.state === "installed" && navigator.serviceWorker.controller) offerReload(worker);
        });
      });
      document.addEventListener("visibilitychange", function () {
        if (document.visibilityState === "visible") registration.update().catch(function () {});
      });
    }).catch(function () {});
    updateBanner.querySelector("button").addEventListener("click", function () {
      updateBanner.dataset.accepted = "yes";
    });
  }

  window.InstallerUpdates = { register: register };
})();
