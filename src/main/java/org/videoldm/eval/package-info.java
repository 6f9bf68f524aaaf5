/**
 * The paper's ablations, scored on held-out real clips: each comparison generates videos under two settings and
 * measures both with the same detector and the same real clips.
 */
package org.videoldm.eval;
