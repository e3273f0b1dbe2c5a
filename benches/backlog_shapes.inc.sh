# The backlog shapes of issue 19, as `examples/gen_backlog` switches; sourced by
# backlog_shapes.sh and backlog_ab.sh so both measure the same shapes.
flags() {
    case "$1" in
    default) echo "" ;;
    nopre) echo "--no-preamble" ;;
    chain-nopre) echo "--no-preamble --no-descriptions --deps chain" ;;
    anywhere) echo "--no-preamble --no-descriptions --effort numeric --deps anywhere" ;;
    tshirt) echo "--no-descriptions --effort tshirt --deps anywhere" ;;
    repeat) echo "--no-preamble --titles repeating --no-descriptions" ;;
    comment) echo "--no-preamble --comment --no-descriptions --deps anywhere" ;;
    *) echo "unknown shape $1" >&2 && exit 2 ;;
    esac
}
