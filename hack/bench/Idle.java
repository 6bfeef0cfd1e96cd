/** The footprint baseline: a JVM that only starts, says so, and idles (hack/bench/footprint.sh). */
public final class Idle {
    public static void main(String[] args) throws InterruptedException {
        System.out.println("ready");
        Thread.sleep(Long.MAX_VALUE);
    }
}
