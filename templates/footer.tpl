{{%AUTOESCAPE context="HTML"}}</main>
<footer class="foot">callreport · 电销机器人通话报表</footer>
</body>
</html>
