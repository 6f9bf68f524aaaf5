/**
 * Jupyter display helpers: HTML snippets with the media inline as base64, because nbconvert's
 * HTML export drops raw image/gif outputs. Use {@code display(VideoHtml.video(frames, fps), "text/html")}.
 */
package org.videoldm.notebook;
