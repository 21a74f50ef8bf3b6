// Staff check-in: camera scanning with the vendored jsQR, or a typed code. Each answer comes from the server.
(function () {
  "use strict";
  const root = document.getElementById("checkin");
  if (!root) return;
  const answer = document.getElementById("answer");
  const progress = document.getElementById("progress");
  const video = document.getElementById("camera");
  const sessionSelect = document.getElementById("session");
  const csrf = root.querySelector("input[name=csrfmiddlewaretoken]").value;
  let lastCode = "";
  let lastAt = 0;

  async function submit(code, typed) {
    const body = new URLSearchParams({ code: code, session: sessionSelect ? sessionSelect.value : "0" });
    if (typed) body.set("typed", "1");
    answer.className = "answer";
    answer.textContent = "Checking…";
    try {
      const response = await fetch(root.dataset.scanUrl, {
        method: "POST",
        headers: { "X-CSRFToken": csrf, "Content-Type": "application/x-www-form-urlencoded" },
        body: body,
        credentials: "same-origin",
      });
      const result = await response.json();
      const good = result.outcome === "checked_in" || result.outcome === "already_checked_in";
      answer.className = "answer " + (good ? result.outcome : "bad");
      answer.textContent = result.message;
      if (result.progress) progress.textContent = result.progress.checked_in;
      if (navigator.vibrate) navigator.vibrate(result.admitted ? 80 : [60, 60, 60]);
    } catch (error) {
      answer.className = "answer bad";
      answer.textContent = "No connection. Try again.";
    }
  }

  document.getElementById("manual").addEventListener("submit", function (event) {
    event.preventDefault();
    const input = document.getElementById("code");
    if (input.value.trim()) submit(input.value.trim(), true);
    input.value = "";
    input.focus();
  });

  function cameraUnavailable(reason) {
    answer.className = "answer bad";
    answer.textContent = reason + " Type the code instead.";
  }

  document.getElementById("start-camera").addEventListener("click", async function () {
    const button = this;
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      cameraUnavailable("This browser cannot use the camera here (it needs HTTPS).");
      return;
    }
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
    } catch (error) {
      cameraUnavailable(
        error.name === "NotAllowedError"
          ? "The camera was not allowed. Allow it in the browser's site settings to scan."
          : "No camera could be opened."
      );
      return;
    }
    button.hidden = true; // one scanning loop per page
    video.srcObject = stream;
    video.hidden = false;
    await video.play();
    const canvas = document.createElement("canvas");
    const context = canvas.getContext("2d", { willReadFrequently: true });
    (function scan() {
      if (video.readyState === video.HAVE_ENOUGH_DATA) {
        canvas.width = video.videoWidth;
        canvas.height = video.videoHeight;
        context.drawImage(video, 0, 0, canvas.width, canvas.height);
        const image = context.getImageData(0, 0, canvas.width, canvas.height);
        const found = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
        const now = Date.now();
        // The same ticket held in front of the camera is read many times a second: ask once per 3 s.
        if (found && found.data && (found.data !== lastCode || now - lastAt > 3000)) {
          lastCode = found.data;
          lastAt = now;
          submit(found.data, false);
        }
      }
      requestAnimationFrame(scan);
    })();
  });
})();
