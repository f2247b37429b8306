# The "shell" workload of kfootprints: busybox sh doing file work on tmpfs
# (the guest's /tmp), with pipes and redirections, and busybox nc moving a
# line over loopback TCP. Each command is a busybox applet; the shell forks
# and execs most of them.
set -e
mkdir -p d/sub
echo "first line" > d/a.txt
echo "second line" >> d/a.txt
cat d/a.txt > d/b.txt
cp d/a.txt d/sub/c.txt
mv d/b.txt d/sub/b.txt
ln -s ../a.txt d/sub/link
ls -l d d/sub > d/listing
cat d/sub/link | wc -l > d/count
test "$(cat d/count)" = 2
grep -c line < d/a.txt
sort -r d/a.txt | head -n 1 | tee d/last > /dev/null
chmod 600 d/a.txt
touch d/a.txt
stat -c '%s %a' d/a.txt
find d -name '*.txt' | sort
dd if=/dev/zero of=d/zero bs=4096 count=4 2>/dev/null
sha256sum d/zero > d/sum
tar -cf d.tar d
tar -tf d.tar | wc -l
mkfifo d/fifo
echo "through a fifo" > d/fifo &
read -r line < d/fifo
wait
test "$line" = "through a fifo"
nc -l -p 7777 > d/received &
i=0
until echo "over loopback tcp" | nc 127.0.0.1 7777; do
	i=$((i + 1))
	test $i -lt 50
	usleep 100000
done
wait
test "$(cat d/received)" = "over loopback tcp"
rm -r d d.tar
test ! -e d
echo done
