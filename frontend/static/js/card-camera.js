// Reads a paddle card's QR code with the tablet's camera.
//
// The browser's own BarcodeDetector is used where it exists (Chrome on Android and ChromeOS);
// elsewhere (Safari on iPad, Firefox, Chromium on Linux) frames are drawn to a canvas and decoded
// by jsQR, vendored under /static/vendor and loaded only the first time the camera is opened.

// Beside this module, so under the same versioned path (auction/web/static.py).
const JSQR_URL = new URL("../vendor/jsqr-1.4.0/jsQR.js", import.meta.url).href;
const FRAME_INTERVAL_MS = 200;

let jsQRLoading = null;

function loadJsQR() {
  if (window.jsQR) return Promise.resolve(window.jsQR);
  if (!jsQRLoading) {
    jsQRLoading = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = JSQR_URL;
      script.onload = () => (window.jsQR ? resolve(window.jsQR) : reject(new Error("jsQR missing")));
      script.onerror = () => {
        jsQRLoading = null;
        reject(new Error("jsQR could not be loaded"));
      };
      document.head.append(script);
    });
  }
  return jsQRLoading;
}

// A function reading one video frame: resolves to the QR code's text, or null when none is seen.
async function frameReader(video) {
  if ("BarcodeDetector" in window) {
    try {
      const formats = await window.BarcodeDetector.getSupportedFormats();
      if (formats.includes("qr_code")) {
        const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
        return async () => {
          const codes = await detector.detect(video);
          return codes.length ? codes[0].rawValue : null;
        };
      }
    } catch (error) {
      // fall through to jsQR
    }
  }
  const jsQR = await loadJsQR();
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  return async () => {
    const width = video.videoWidth;
    const height = video.videoHeight;
    if (!width || !height) return null;
    canvas.width = width;
    canvas.height = height;
    context.drawImage(video, 0, 0, width, height);
    const code = jsQR(context.getImageData(0, 0, width, height).data, width, height,
                      { inversionAttempts: "dontInvert" });
    return code ? code.data : null;
  };
}

export function cameraAvailable() {
  return Boolean(navigator.mediaDevices && navigator.mediaDevices.getUserMedia);
}

// Opens the camera in `dialog`, shows it in `video`, and resolves to the first QR code read —
// or to null when the clerk closes the dialog. Rejects when the camera cannot be used.
export async function scanCard(dialog, video) {
  let stream = null;
  let stopped = false;
  const stop = () => {
    stopped = true;
    if (stream) for (const track of stream.getTracks()) track.stop();
    video.srcObject = null;
    if (dialog.open) dialog.close();
  };
  dialog.addEventListener("close", stop, { once: true });
  try {
    const cameraReady = navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
    stream = await cameraReady;
    if (stopped) {
      stop();
      return null;
    }
    video.srcObject = stream;
    dialog.showModal();
    await video.play();
    const read = await frameReader(video);
    while (!stopped) {
      const text = await read();
      if (text && text.trim()) {
        stop();
        return text.trim();
      }
      await new Promise((resolve) => setTimeout(resolve, FRAME_INTERVAL_MS));
    }
    return null;
  } catch (error) {
    stop();
    throw error;
  }
}
